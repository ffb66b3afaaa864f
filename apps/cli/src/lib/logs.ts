import {
  type InstanceLogLine,
  instancesEndpoints,
  type ListInstanceEventsResponse,
  type LogLevel,
  type LogSource,
  sleep,
} from '@podpilot/common';
import type { z } from 'zod';
import { type HubClient, HubError } from './hub-client.js';
import { formatTime } from './output.js';

export type LogLine = InstanceLogLine;
export type InstanceEvent = z.infer<typeof ListInstanceEventsResponse>['events'][number];

/** What `podpilot logs` can show: the agent's lines, the WebUI's, and the instance's events. */
export const LOG_SOURCES = ['agent', 'webui', 'events'] as const;
export type LogsSource = (typeof LOG_SOURCES)[number];

export interface LogsOptions {
  /** Start after this line id (0: from the first line). */
  after?: number;
  /** Keep polling for new lines until `signal` aborts or the instance is destroyed. */
  follow?: boolean;
  intervalMs?: number;
  /** Lines asked per request. */
  pageSize?: number;
  signal?: AbortSignal;
  /** What to show (default: agent and WebUI lines; events only with an `onEvent`). */
  sources?: readonly LogsSource[];
  /** The minimum level of agent lines and events (WebUI lines carry none: left out). */
  level?: LogLevel;
  /** Only what happened at or after this ISO time. */
  since?: string;
  onLine: (line: LogLine) => void;
  /** Events, interleaved with the lines by time (each poll's in order). */
  onEvent?: (event: InstanceEvent) => void;
}

/** Why `streamLogs` stopped, and the cursor to resume from. */
export interface LogsResult {
  after: number;
  ended: 'caught-up' | 'destroyed' | 'aborted';
}

/** The `source` query for the chosen sources: undefined for both, null for no lines at all. */
function lineSource(sources: readonly LogsSource[]): LogSource | undefined | null {
  const agent = sources.includes('agent');
  const webui = sources.includes('webui');
  if (agent && webui) return undefined;
  return agent ? 'agent' : webui ? 'webui' : null;
}

type Entry = { at: string; line: LogLine } | { at: string; event: InstanceEvent };

/** Reads what is new since the last read: lines after the cursor, events not printed yet. */
class LogReader {
  after: number;
  private readonly printedEvents = new Set<number>();

  constructor(
    private readonly hub: HubClient,
    private readonly id: string,
    private readonly options: LogsOptions,
  ) {
    this.after = options.after ?? 0;
  }

  /** Everything new, oldest first (lines and events merged by time). */
  async read(): Promise<Entry[]> {
    const sources = this.options.sources ?? [
      'agent',
      'webui',
      ...(this.options.onEvent ? ['events' as const] : []),
    ];
    const source = lineSource(sources);
    const lines = source === null ? [] : await this.lines(source);
    const events = sources.includes('events') && this.options.onEvent ? await this.events() : [];
    const entries: Entry[] = [
      ...lines.map((line) => ({ at: line.at, line })),
      ...events.map((event) => ({ at: event.at, event })),
    ];
    return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  private async lines(source: LogSource | undefined): Promise<LogLine[]> {
    const { pageSize = 1000, level, since, signal } = this.options;
    const out: LogLine[] = [];
    for (;;) {
      const { lines } = await this.hub.call(instancesEndpoints.logs, {
        params: { id: this.id },
        query: { after: this.after, limit: pageSize, source, level, since },
      });
      for (const line of lines) {
        out.push(line);
        this.after = Math.max(this.after, line.id);
      }
      if (lines.length < pageSize || signal?.aborted) return out;
    }
  }

  /** The newest 1,000 events (newest first from the hub) not printed yet, oldest first. */
  private async events(): Promise<InstanceEvent[]> {
    const { level, since } = this.options;
    const { events } = await this.hub.call(instancesEndpoints.events, {
      params: { id: this.id },
      query: { limit: 1000, level, since },
    });
    const fresh = events.filter((e) => !this.printedEvents.has(e.id)).reverse();
    for (const e of fresh) this.printedEvents.add(e.id);
    return fresh;
  }
}

/**
 * Prints an instance's log from `after` on (with its events, when asked, interleaved by time): everything
 * until caught up, then (with `follow`) a poll every `intervalMs`. Following ends when `signal` aborts or the
 * instance is destroyed (after its last lines).
 */
export async function streamLogs(hub: HubClient, id: string, options: LogsOptions): Promise<LogsResult> {
  const { follow = false, intervalMs = 2000, signal, onLine, onEvent } = options;
  const reader = new LogReader(hub, id, options);
  const drain = async () => {
    for (const entry of await reader.read()) {
      if ('line' in entry) onLine(entry.line);
      else onEvent?.(entry.event);
      if (signal?.aborted) return;
    }
  };
  if (!follow) {
    await drain();
    return { after: reader.after, ended: 'caught-up' };
  }
  try {
    for (;;) {
      // The state first: lines written before it was destroyed are still printed by the drain below.
      let destroyed = false;
      try {
        const instance = await hub.call(instancesEndpoints.get, { params: { id } });
        destroyed = instance.state === 'destroyed';
        await drain();
      } catch (error) {
        // A hub restart while following is waited out; anything else (404, 401) ends it.
        if (!(error instanceof HubError && error.retryable)) throw error;
      }
      if (destroyed) return { after: reader.after, ended: 'destroyed' };
      if (signal?.aborted) return { after: reader.after, ended: 'aborted' };
      await sleep(intervalMs, signal);
    }
  } catch (error) {
    if (signal?.aborted) return { after: reader.after, ended: 'aborted' };
    throw error;
  }
}

/** How lines are printed: `time` (ISO, or only the time of day), colours for warnings and errors. */
export interface LogFormat {
  /** `clock`: HH:MM:SS (UTC), for a terminal; `iso`: the whole time, for files. */
  time?: 'clock' | 'iso' | 'none';
  colour?: boolean;
}

const paint = (level: LogLevel | null, text: string, colour: boolean | undefined) => {
  if (!colour) return text;
  if (level === 'error') return `\x1b[31m${text}\x1b[0m`;
  if (level === 'warn') return `\x1b[33m${text}\x1b[0m`;
  if (level === 'debug') return `\x1b[2m${text}\x1b[0m`;
  return text;
};

const stamp = (at: string, time: LogFormat['time']) =>
  time === 'none' ? '' : `${time === 'iso' ? formatTime(at) : at.slice(11, 19)} `;

/** One log line as printed: when, who wrote it (agent with its level, or webui), then the line. */
export const formatLogLine = (line: LogLine, format: LogFormat = { time: 'none' }) =>
  paint(
    line.level,
    `${stamp(line.at, format.time)}${line.stream}${line.level ? ` ${line.level}` : ''} | ${line.line}`,
    format.colour,
  );

/** One event as printed, apart from lines: `12:01:02 event warn python.failed: …`. */
export const formatEvent = (event: InstanceEvent, format: LogFormat = { time: 'none' }) =>
  paint(
    event.level,
    `${stamp(event.at, format.time)}event ${event.level} ${event.kind}: ${event.message}`,
    format.colour,
  );

/** `--source agent,webui,events` as a list; throws naming the flag on anything else. */
export function parseSources(text: string): LogsSource[] | string {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = parts.find((p) => !(LOG_SOURCES as readonly string[]).includes(p));
  if (unknown !== undefined || !parts.length)
    return `--source: expected a comma-separated list of ${LOG_SOURCES.join(', ')}, got "${text}"`;
  return [...new Set(parts)] as LogsSource[];
}
