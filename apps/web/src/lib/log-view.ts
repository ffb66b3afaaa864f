import { type InstanceLogLine, type LogLevel, levelsFrom } from '@podpilot/common';
import { filterLines } from './live';

export type LogViewLine = InstanceLogLine;
export type LogSourceChoice = 'all' | InstanceLogLine['stream'];

/** What the log view shows: a source, a minimum level (agent lines only) and words to find. */
export interface LogFilter {
  source: LogSourceChoice;
  /** Lines at this level or above; leaves out lines without a level (WebUI lines), as the hub's filter. */
  minLevel: LogLevel | 'all';
  query: string;
}

export const ALL_LINES: LogFilter = { source: 'all', minLevel: 'all', query: '' };

/** The lines the filter keeps, in their order. */
export function filterLog(lines: readonly LogViewLine[], filter: LogFilter): LogViewLine[] {
  const levels = filter.minLevel === 'all' ? null : new Set<string>(levelsFrom(filter.minLevel));
  const kept = lines.filter(
    (l) =>
      (filter.source === 'all' || l.stream === filter.source) &&
      (levels === null || (l.level != null && levels.has(l.level))),
  );
  return filterLines(kept, filter.query);
}

/** New lines after the ones held (a batch the stream sends again is skipped), the newest `max` kept. */
export function mergeLog(
  held: readonly LogViewLine[],
  more: readonly LogViewLine[],
  max: number,
): LogViewLine[] {
  const lastId = held[held.length - 1]?.id ?? 0;
  const fresh = more.filter((l) => l.id > lastId);
  if (!fresh.length) return held as LogViewLine[];
  const all = [...held, ...fresh];
  return all.length > max ? all.slice(all.length - max) : all;
}

/** One line as text: ISO time, source, level (agent lines), the line. */
export function logLineText(l: LogViewLine): string {
  return `${l.at} ${l.stream}${l.level ? ` ${l.level}` : ''} ${l.line}`;
}

/** The lines as a text file (one a line, ending with a newline). */
export function logText(lines: readonly LogViewLine[]): string {
  return lines.length ? `${lines.map(logLineText).join('\n')}\n` : '';
}

/** `<name>-log-2026-12-07T10-00-00Z.txt`: the instance's name made safe for a file name, and the time. */
export function logFileName(instanceName: string, now: Date): string {
  const name = instanceName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'instance';
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return `${name}-log-${stamp}.txt`;
}
