import type { InstanceLogLine, LiveLogsEvent } from '@podpilot/common';

/** Reads an instance's log lines with an id above `after`, oldest first, at most `limit`. */
export type ReadLogs = (instanceId: string, after: number, limit: number) => Promise<InstanceLogLine[]>;

/** Lines read per query. */
const PAGE = 1_000;
/** Pages one client gets per round; a longer backlog continues on the next round (the next poll). */
const PAGES_PER_ROUND = 5;

/** Where one stream is in one instance's log. */
interface Cursor {
  instanceId: string;
  after: number;
  /** The round in progress (one at a time per stream, so no line is sent twice). */
  running: Promise<void> | null;
  /** Another round was asked for while one ran. */
  again: boolean;
}

/** One `logs` message: its SSE `id:` is the batch's last line id, what a browser's reconnect resumes after. */
export function logsMessage(event: LiveLogsEvent): string {
  const last = event.lines[event.lines.length - 1];
  return `id: ${last?.id ?? 0}\nevent: logs\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The log part of the live feed: the streams that follow one instance's log, each at its own line id. A
 * round reads what is new for a stream and sends it; rounds run on the feed's poll and when lines arrive.
 */
export class LiveLogs<C> {
  private readonly cursors = new Map<C, Cursor>();

  constructor(
    private readonly read: ReadLogs,
    /** Sends a chunk to a stream; false when the stream is gone (it is then forgotten). */
    private readonly send: (client: C, chunk: string) => boolean,
  ) {}

  /** Follows `instanceId`'s log for `client` from the line after `after`. */
  add(client: C, instanceId: string, after: number): void {
    this.cursors.set(client, { instanceId, after, running: null, again: false });
  }

  remove(client: C): void {
    this.cursors.delete(client);
  }

  get size(): number {
    return this.cursors.size;
  }

  /** Sends `client` what is new in its log now (the backlog when it connects). Throws when reading fails. */
  catchUp(client: C): Promise<void> {
    const cursor = this.cursors.get(client);
    return cursor ? this.round(client, cursor) : Promise.resolve();
  }

  /** A round for every stream (of one instance when given); a failed read is left for the next round. */
  async pollAll(instanceId?: string): Promise<void> {
    const rounds = [...this.cursors]
      .filter(([, cursor]) => instanceId === undefined || cursor.instanceId === instanceId)
      .map(([client, cursor]) => this.round(client, cursor));
    const results = await Promise.allSettled(rounds);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  private round(client: C, cursor: Cursor): Promise<void> {
    if (cursor.running) {
      cursor.again = true;
      return cursor.running;
    }
    cursor.running = (async () => {
      do {
        cursor.again = false;
        await this.sendNew(client, cursor);
      } while (cursor.again && this.cursors.get(client) === cursor);
    })().finally(() => {
      cursor.running = null;
    });
    return cursor.running;
  }

  private async sendNew(client: C, cursor: Cursor): Promise<void> {
    for (let page = 0; page < PAGES_PER_ROUND; page++) {
      const lines = await this.read(cursor.instanceId, cursor.after, PAGE);
      if (!lines.length || this.cursors.get(client) !== cursor) return;
      cursor.after = lines[lines.length - 1]?.id ?? cursor.after;
      if (!this.send(client, logsMessage({ instanceId: cursor.instanceId, lines }))) {
        this.cursors.delete(client);
        return;
      }
      if (lines.length < PAGE) return;
    }
  }
}
