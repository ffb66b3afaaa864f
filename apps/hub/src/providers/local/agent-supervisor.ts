import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AgentDeath,
  countedRestarts,
  deathNote,
  planRestart,
  type RestartPolicy,
} from './agent-restarts.js';
import {
  type InstanceRecord,
  message,
  noteInLog,
  readRecord,
  UnreadableRecord,
  writeRecord,
} from './instance-record.js';
import type { SerialQueue } from './serial-queue.js';

/** How a watched agent ended, as the provider that spawned it saw it (before the record says so). */
export interface AgentEnd {
  exit: AgentDeath & { at: string };
  /** The restarts that count against the policy, the one planned for this death included. */
  restarts: number;
  /** The restart waiting out its backoff; null when this death is final. */
  pending: { attempt: number; of: number } | null;
}

/** What the supervisor needs of the provider. */
export interface SupervisedAgents {
  /** The provider's root folder. */
  root: string;
  /** The provider's per-instance queue: the supervisor's record writes and restarts take their turn there. */
  queues: SerialQueue;
  /** Spawns the agent of `record` as it was, records it in `instance.json` and calls `watch` for it. */
  run(record: InstanceRecord): Promise<void>;
}

interface Watch {
  pid: number;
  /** Set once Node reported the exit and the plan for it is made. */
  end: AgentEnd | null;
  /** Settles once the exit is handled. */
  handled: Promise<void>;
  /** The pending restart's timer. */
  timer: NodeJS.Timeout | null;
}

/** How long a status read waits for Node to report the exit of a process that is already gone. */
const EXIT_REPORT_WAIT_MS = 2_000;

/**
 * The restarts of the agents this provider object spawned (a new hub does not own the processes it finds:
 * their deaths go unseen, so they are never restarted, just reported). Plays the container entrypoint's
 * restart loop: a death that the provider did not cause is planned by the policy, noted in the record and
 * the agent log; a restart waits out its backoff on a timer, then takes its turn in the instance's queue
 * and spawns again. The state is in memory only.
 *
 * Stop, destroy and start call `release` on their turn in the queue, before they end a process: any
 * death from then on is theirs, and a restart still waiting is cancelled.
 */
export class AgentSupervisor {
  readonly #watches = new Map<string, Watch>();
  /** Times (ms) of the restarts counting against the policy, by instance id. */
  readonly #restartsAt = new Map<string, number[]>();

  constructor(
    readonly policy: RestartPolicy,
    private readonly agents: SupervisedAgents,
    private readonly now: () => number = Date.now,
  ) {}

  /** Watches a freshly spawned agent of `id` (replacing any earlier watch); `ended` settles when it exits. */
  watch(id: string, pid: number, ended: Promise<AgentDeath>): void {
    this.release(id);
    const watch: Watch = { pid, end: null, timer: null, handled: Promise.resolve() };
    watch.handled = ended.then((death) => this.#died(id, watch, death));
    this.#watches.set(id, watch);
  }

  /** Stops watching the agent of `id` and cancels its pending restart. Idempotent. */
  release(id: string): void {
    const watch = this.#watches.get(id);
    if (watch?.timer) clearTimeout(watch.timer);
    this.#watches.delete(id);
  }

  /** A fresh restart budget for `id` (a launch or an explicit start). */
  resetBudget(id: string): void {
    this.#restartsAt.delete(id);
  }

  /** Releases `id` and drops its budget (destroy). */
  forget(id: string): void {
    this.release(id);
    this.resetBudget(id);
  }

  /** Whether the restart planned for the death of `pid` is still wanted (not released, not replaced). */
  #stillPending(id: string, pid: number): boolean {
    const watch = this.#watches.get(id);
    return watch !== undefined && watch.pid === pid && watch.end?.pending != null;
  }

  /**
   * How the agent `pid` of `id` ended, once it is known to be gone, when this provider spawned it; else
   * undefined. When Node has not reported that exit yet, waits for the report first (briefly), so a status
   * read in between never shows as final a death that is about to be restarted.
   */
  async ended(id: string, pid: number): Promise<AgentEnd | undefined> {
    const watch = this.#watches.get(id);
    if (watch === undefined || watch.pid !== pid) return undefined;
    if (watch.end === null) {
      await Promise.race([watch.handled, sleep(EXIT_REPORT_WAIT_MS, undefined, { ref: false })]);
    }
    return this.#watches.get(id) === watch ? (watch.end ?? undefined) : undefined;
  }

  #died(id: string, watch: Watch, death: AgentDeath): void {
    if (this.#watches.get(id) !== watch) return; // released: a stop, destroy or start ended it
    const now = this.now();
    const earlier = countedRestarts(this.policy, this.#restartsAt.get(id) ?? [], now);
    const plan = planRestart(this.policy, death, earlier, now);
    const restartsAt = plan.kind === 'restart' ? [...earlier, now] : earlier;
    this.#restartsAt.set(id, restartsAt);
    const pending = plan.kind === 'restart' ? { attempt: plan.attempt, of: plan.of } : null;
    watch.end = { exit: { ...death, at: new Date(now).toISOString() }, restarts: restartsAt.length, pending };
    if (plan.kind === 'restart') {
      watch.timer = setTimeout(() => void this.#restart(id, watch.pid), plan.delayMs);
      watch.timer.unref(); // a hub shutting down does not wait for it
    }
    const note = deathNote(death, plan, this.policy);
    void this.#record(id, watch.pid, watch.end, note, restartsAt);
  }

  /**
   * Keeps how the agent ended (for `rawStatus`) and the restarts that count in the record, when it is still
   * the recorded process, and says in the agent log what comes next. Never throws.
   */
  async #record(id: string, pid: number, end: AgentEnd, note: string, restartsAt: number[]): Promise<void> {
    const { root, queues } = this.agents;
    await queues
      .run(id, async () => {
        const record = await readRecord(root, id);
        if (record === null || record instanceof UnreadableRecord || record.process?.pid !== pid) return;
        await writeRecord(root, {
          ...record,
          exit: { pid, ...end.exit },
          restarts: restartsAt.map((at) => new Date(at).toISOString()),
        });
        await noteInLog(root, id, note); // after the record: a reader of the log finds both
      })
      .catch(() => {});
  }

  /**
   * The backoff after the death of `pid` is over: runs the agent again as it was (no leftovers ended: the
   * agent stops a WebUI an earlier one left, as in a container), unless a stop, destroy or start came first.
   * A failure is written to the agent log and leaves the instance `exited`. Never throws.
   */
  async #restart(id: string, pid: number): Promise<void> {
    const { root, queues } = this.agents;
    await queues
      .run(id, async () => {
        if (!this.#stillPending(id, pid)) return;
        const record = await readRecord(root, id);
        if (record === null || record instanceof UnreadableRecord || record.state !== 'running') return;
        if (record.process?.pid === pid) await this.agents.run(record);
      })
      .catch(async (error: unknown) => {
        await noteInLog(root, id, `the restart failed: ${message(error)}`);
      })
      .finally(() => {
        if (this.#stillPending(id, pid)) this.release(id); // not restarted after all: the status says exited
      });
  }
}
