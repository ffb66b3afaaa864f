import { endpoints, type ListInstanceLogsResponse, sleep } from '@podpilot/common';
import type { z } from 'zod';
import { type HubClient, HubError } from './hub-client.js';

export type LogLine = z.infer<typeof ListInstanceLogsResponse>['lines'][number];

export interface LogsOptions {
  /** Start after this line id (0: from the first line). */
  after?: number;
  /** Keep polling for new lines until `signal` aborts or the instance is destroyed. */
  follow?: boolean;
  intervalMs?: number;
  /** Lines asked per request. */
  pageSize?: number;
  signal?: AbortSignal;
  onLine: (line: LogLine) => void;
}

/** Why `streamLogs` stopped, and the cursor to resume from. */
export interface LogsResult {
  after: number;
  ended: 'caught-up' | 'destroyed' | 'aborted';
}

/**
 * Prints an instance's log from `after` on: every page until caught up, then (with `follow`) a poll every
 * `intervalMs`. Following ends when `signal` aborts or the instance is destroyed (after its last lines).
 */
export async function streamLogs(hub: HubClient, id: string, options: LogsOptions): Promise<LogsResult> {
  const { follow = false, intervalMs = 2000, pageSize = 1000, signal, onLine } = options;
  let after = options.after ?? 0;
  const drain = async () => {
    for (;;) {
      const { lines } = await hub.call(endpoints.instances.logs, {
        params: { id },
        query: { after, limit: pageSize },
      });
      for (const line of lines) {
        onLine(line);
        after = Math.max(after, line.id);
      }
      if (lines.length < pageSize || signal?.aborted) return;
    }
  };
  if (!follow) {
    await drain();
    return { after, ended: 'caught-up' };
  }
  try {
    for (;;) {
      // The state first: lines written before it was destroyed are still printed by the drain below.
      let destroyed = false;
      try {
        const instance = await hub.call(endpoints.instances.get, { params: { id } });
        destroyed = instance.state === 'destroyed';
        await drain();
      } catch (error) {
        // A hub restart while following is waited out; anything else (404, 401) ends it.
        if (!(error instanceof HubError && error.retryable)) throw error;
      }
      if (destroyed) return { after, ended: 'destroyed' };
      if (signal?.aborted) return { after, ended: 'aborted' };
      await sleep(intervalMs, signal);
    }
  } catch (error) {
    if (signal?.aborted) return { after, ended: 'aborted' };
    throw error;
  }
}

/** One log line as printed: who wrote it (agent or webui), then the line. */
export const formatLogLine = (line: LogLine) => `${line.stream} | ${line.line}`;
