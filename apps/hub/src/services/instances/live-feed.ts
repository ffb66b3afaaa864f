import type { HeartbeatReport, LiveEventName, LiveInstance } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import { AgentActivityRepository } from '../../repositories/agent-activity.repository.js';
import { IdleRepository, type IdleRow } from '../../repositories/idle.repository.js';
import { InstancesRepository } from '../../repositories/instances.repository.js';
import { activityView } from '../costs/idle-clock.js';
import type { InstancesService } from './instances.service.js';
import { LiveLogs, type ReadLogs } from './live-logs.js';

export interface LiveFeedOptions {
  /** How often the shared poller reads the instances while a client listens (2 000 ms). */
  intervalMs?: number;
  /** How often each stream gets a comment line, so proxies and browsers keep it open (15 000 ms). */
  keepAliveMs?: number;
  /** Length of an idle minute in ms (the idle countdown). */
  idleMinuteMs: number;
  now?: () => number;
}

/** One connected stream: `write` sends raw SSE text; `end` closes it. */
export interface LiveClient {
  write(chunk: string): void;
  end(): void;
}

/** One SSE message. `data` is a single line of JSON. */
export function sseMessage(event: LiveEventName, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A stream that follows one instance's log too: the lines after `after` (a log line id), then each new one. */
export interface LogFollow {
  instanceId: string;
  after: number;
}

/** What the agent's facts say beyond activity (the facts are the last heartbeat, as sent). */
type Facts = Partial<HeartbeatReport> | null;

/** What time alone changes (costs, idle countdowns) and removals are read this often, with every instance. */
const FULL_EVERY_MS = 30_000;
/** Rows written this long before a read are read again: a transaction's `now()` is when it began. */
const CHANGED_MARGIN_MS = 5_000;

/**
 * The live feed behind `GET /api/live`: one poller per hub process reads, every `intervalMs` and only while at
 * least one client listens, the instances written since its last read (with their activity, sync and
 * provisioning), and every instance each 30 s, and broadcasts only what changed (`instance`, `removed`): a
 * fleet costs each poll what changed in it, not its size. A client gets the whole list (`instances`) when it connects. A client that
 * follows an instance's log also gets its lines (`logs`): the backlog when it connects, then what is new on
 * every poll, or sooner when `logsArrived` says that lines came in.
 */
export class LiveFeed {
  private readonly idle: IdleRepository;
  private readonly logs: LiveLogs<LiveClient>;
  private readonly clients = new Set<LiveClient>();
  /** The last list sent, by id: the instance and the key its changes are judged by. */
  private snapshot = new Map<string, { instance: LiveInstance; key: string }>();
  private poller: NodeJS.Timeout | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private fullRead: Promise<void> | null = null;
  /** The database's clock at the last read, and this process's at the last full one. */
  private readAt: Date | null = null;
  private lastFullAt = 0;
  private closed = false;
  private readonly rows: InstancesRepository;
  private readonly now: () => number;

  constructor(
    db: Db,
    private readonly instances: InstancesService,
    private readonly options: LiveFeedOptions,
    private readonly log?: FastifyBaseLogger,
  ) {
    this.idle = new IdleRepository(db);
    this.rows = new InstancesRepository(db);
    this.now = options.now ?? Date.now;
    const activity = new AgentActivityRepository(db);
    const read: ReadLogs = async (instanceId, after, limit) =>
      (await activity.listLogs(instanceId, { after, limit })).map((l) => ({ ...l, at: l.at.toISOString() }));
    this.logs = new LiveLogs(read, (client, chunk) => this.sendTo(client, chunk));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Every instance as the feed shows it, read now (only those of `ids` when given). */
  async list(ids?: readonly string[]): Promise<LiveInstance[]> {
    const [summaries, rows] = await Promise.all([this.instances.list(ids), this.idle.listAll(ids)]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const now = this.now();
    return summaries.map((s) => liveInstance(s, byId.get(s.id), now, this.options.idleMinuteMs));
  }

  /**
   * Adds a client: it gets the whole list first, then every change; with `follow`, that instance's log lines
   * after `follow.after` too. Returns the function that removes it. Throws (and adds nothing) when the list
   * or the log cannot be read or the feed is closed.
   */
  async subscribe(client: LiveClient, follow?: LogFollow): Promise<() => void> {
    if (this.closed) throw new Error('the live feed is closed');
    // With no client the poller sleeps and the last list may be old: read a fresh one first.
    if (!this.clients.size) await this.refresh();
    else if (this.running) await this.running;
    client.write(sseMessage('instances', { instances: [...this.snapshot.values()].map((e) => e.instance) }));
    this.clients.add(client);
    if (follow) {
      this.logs.add(client, follow.instanceId, follow.after);
      try {
        await this.logs.catchUp(client);
      } catch (error) {
        this.unsubscribe(client);
        throw error;
      }
    }
    this.start();
    return () => this.unsubscribe(client);
  }

  /**
   * Lines of `instanceId` came in: the streams that follow its log get them now rather than at the next poll.
   * Never throws (a failed read is logged and retried by the poll).
   */
  logsArrived(instanceId: string): void {
    if (!this.logs.size || this.closed) return;
    this.logs
      .pollAll(instanceId)
      .catch((error: unknown) => this.log?.warn({ err: error }, 'live feed: reading log lines failed'));
  }

  /**
   * Reads every instance now (after a read under way) and broadcasts what changed since the last read (tests
   * call it to skip the wait). Concurrent calls share one read.
   */
  refresh(): Promise<void> {
    this.fullRead ??= (this.running ?? Promise.resolve())
      .catch(() => {})
      .then(() => this.read(true))
      .finally(() => {
        this.fullRead = null;
      });
    return this.fullRead;
  }

  /** One read: every instance (`full`, or when the last full one is old), else those written since the last. */
  private read(full: boolean): Promise<void> {
    const whole = full || this.readAt === null || this.now() - this.lastFullAt >= FULL_EVERY_MS;
    this.running = (whole ? this.pollAll() : this.pollChanged()).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Ends every stream and stops the poller (app close). */
  close(): void {
    this.closed = true;
    for (const client of this.clients) safely(() => client.end());
    this.clients.clear();
    this.stop();
  }

  private unsubscribe(client: LiveClient): void {
    this.clients.delete(client);
    this.logs.remove(client);
    if (!this.clients.size) this.stop();
  }

  private async pollAll(): Promise<void> {
    const startedAt = this.now();
    const at = await this.rows.clock(); // before the read: what is written meanwhile comes next time
    const list = await this.list();
    const next = new Map(list.map((instance) => [instance.id, { instance, key: changeKey(instance) }]));
    const messages = this.changes(list);
    for (const id of this.snapshot.keys()) if (!next.has(id)) messages.push(sseMessage('removed', { id }));
    this.snapshot = next;
    this.readAt = at;
    this.lastFullAt = startedAt;
    await this.send(messages);
  }

  private async pollChanged(): Promise<void> {
    const since = new Date((this.readAt as Date).getTime() - CHANGED_MARGIN_MS);
    const { at, ids } = await this.rows.changedSince(since);
    const list = ids.length ? await this.list(ids) : [];
    const messages = this.changes(list);
    for (const instance of list) this.snapshot.set(instance.id, { instance, key: changeKey(instance) });
    this.readAt = at;
    await this.send(messages);
  }

  /** `instance` messages for those of `list` that differ from what was sent. */
  private changes(list: LiveInstance[]): string[] {
    return list
      .filter((instance) => this.snapshot.get(instance.id)?.key !== changeKey(instance))
      .map((instance) => sseMessage('instance', instance));
  }

  private async send(messages: string[]): Promise<void> {
    if (messages.length) this.broadcast(messages.join(''));
    if (this.logs.size) await this.logs.pollAll();
  }

  private broadcast(chunk: string): void {
    for (const client of this.clients) this.sendTo(client, chunk);
  }

  /** Writes to one client; a client whose stream fails is forgotten. */
  private sendTo(client: LiveClient, chunk: string): boolean {
    if (!this.clients.has(client)) return false;
    try {
      client.write(chunk);
      return true;
    } catch {
      this.unsubscribe(client);
      return false;
    }
  }

  private start(): void {
    if (this.poller || this.closed) return;
    const interval = this.options.intervalMs ?? 2_000;
    this.poller = setInterval(() => {
      if (this.running || this.fullRead) return; // a slow database: skip a beat rather than pile reads up
      this.read(false).catch((error: unknown) => this.log?.warn({ err: error }, 'live feed: reading failed'));
    }, interval);
    this.poller.unref();
    this.keepAlive = setInterval(
      () => this.broadcast(': keep-alive\n\n'),
      this.options.keepAliveMs ?? 15_000,
    );
    this.keepAlive.unref();
  }

  private stop(): void {
    if (this.poller) clearInterval(this.poller);
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.poller = null;
    this.keepAlive = null;
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // the stream is already gone
  }
}

/**
 * What decides that an instance changed: everything but the cost's fractions of a cent, which move on every
 * read of a running instance (a running instance's cost is sent again each time it passes a cent).
 */
function changeKey(instance: LiveInstance): string {
  return JSON.stringify({ ...instance, costUsd: Math.floor(instance.costUsd * 100) });
}

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function liveInstance(
  summary: Awaited<ReturnType<InstancesService['list']>>[number],
  row: IdleRow | undefined,
  now: number,
  idleMinuteMs: number,
): LiveInstance {
  const facts = (row?.facts ?? null) as Facts;
  const p = facts?.provisioning;
  const webui = facts?.webui;
  return {
    ...summary,
    activity: row ? activityView(row, now, idleMinuteMs) : null,
    sync: facts?.sync ?? null,
    phase: facts?.phase ?? null,
    provisioning: p
      ? {
          doneBytes: num(p.doneBytes) ?? 0,
          totalBytes: num(p.totalBytes),
          bytesPerSecond: num(p.bytesPerSecond) ?? 0,
          etaSeconds: num(p.etaSeconds),
          items: Array.isArray(p.items) ? p.items : [],
        }
      : null,
    webui: webui ? { state: webui.state, port: webui.port ?? null, restarts: webui.restarts ?? 0 } : null,
    lastHeartbeatAt: row?.lastHeartbeatAt ? row.lastHeartbeatAt.toISOString() : null,
  };
}
