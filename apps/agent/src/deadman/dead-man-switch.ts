import { type ActivityFacts, judgeActivity, errorMessage as messageOf } from '@podpilot/common';

/** What one evaluation of the switch found. */
export type DeadManState = 'hub-reachable' | 'waiting' | 'busy' | 'exempt' | 'fired';

export interface DeadManSwitchOptions {
  /** Minutes without a successful hub contact before the switch may fire. */
  afterMinutes: number;
  /** The idle window the hub last sent (profile idle minutes); the instance must show no work for this long. */
  idleMinutes: () => number;
  /** The owner disabled idle stopping, or a keep-awake until T is in force (from the hub's last reply). */
  exempt: () => boolean;
  /** The latest activity facts (judged here with `judgeActivity`); null while none were collected yet. */
  activity: () => Promise<ActivityFacts | null>;
  /** Uploads the outputs still waiting (bounded); its result is reported, whatever it is. */
  finalSync: () => Promise<{ ok: boolean; message: string }>;
  /** The provider's in-container means to stop this instance (`selfStopMethod`); null when there is none. */
  selfStop: { describe: string; stop: () => Promise<void> } | null;
  /** Last resort: exit the container's main process. */
  exit: (code: number) => void;
  onEvent: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** The clock, in ms (tests); `Date.now` by default. */
  now?: () => number;
}

const MINUTE_MS = 60_000;
const minutes = (ms: number) => Math.floor(ms / MINUTE_MS);

/**
 * The agent's dead-man switch: when the hub has not been reached for `afterMinutes` and the instance has
 * shown no work for the idle window, the agent stops its own instance — final output sync first, then the
 * provider's in-container stop, or exiting the container's main process when that is missing or fails.
 *
 * Work is tracked here across evaluations (a GPU busy at one check counts until the idle window has passed
 * after it), and both clocks start at construction: an agent that never reached the hub counts from its
 * start, and a freshly started agent never fires before a full idle window. Fires at most once.
 */
export class DeadManSwitch {
  private readonly now: () => number;
  private lastContact: number;
  /** The most recent work seen or remembered by the facts; never before the switch began observing. */
  private lastWork: number;
  private fired = false;
  private running: Promise<DeadManState> | null = null;

  constructor(private readonly options: DeadManSwitchOptions) {
    if (!Number.isFinite(options.afterMinutes) || options.afterMinutes <= 0)
      throw new RangeError(
        `DeadManSwitch: afterMinutes must be a positive number, got ${options.afterMinutes}`,
      );
    this.now = options.now ?? Date.now;
    this.lastContact = this.now();
    this.lastWork = this.lastContact;
  }

  /** Whether the switch has fired (it never fires again). */
  get hasFired(): boolean {
    return this.fired;
  }

  /** Records a successful hub call (a heartbeat reply): the hub is there. */
  hubContact(): void {
    this.lastContact = Math.max(this.lastContact, this.now());
  }

  /**
   * One evaluation: observes activity, then fires when the hub has been gone for `afterMinutes` and the
   * instance idle for the idle window, unless exempt. Resolves after the firing (final sync, stop) is done.
   * Concurrent calls share one evaluation; after firing it only answers `fired`.
   */
  check(): Promise<DeadManState> {
    if (this.fired && !this.running) return Promise.resolve('fired');
    this.running ??= this.evaluate().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Runs `check` every `everyMs` on a timer that does not keep the process alive; returns a stop function. */
  start(everyMs: number): () => void {
    const timer = setInterval(() => {
      this.check().catch((error: unknown) =>
        this.options.onEvent('error', `dead-man switch: check failed: ${messageOf(error)}`),
      );
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async evaluate(): Promise<DeadManState> {
    const { options } = this;
    const idleMinutes = options.idleMinutes();
    const facts = await Promise.resolve()
      .then(() => options.activity())
      .catch((error: unknown) => {
        options.onEvent('warn', `dead-man switch: activity unknown: ${messageOf(error)}`);
        return null;
      });
    const now = this.now();
    // Observed on every check, the hub there or not: work seen now still counts when the hub goes away.
    const judgement =
      facts && Number.isFinite(idleMinutes) ? judgeActivity(facts, Math.max(0, idleMinutes) * 60) : null;
    if (judgement?.busyNow) this.lastWork = now;
    if (judgement?.secondsSinceWork != null)
      this.lastWork = Math.max(this.lastWork, now - judgement.secondsSinceWork * 1000);

    const hubGoneMs = now - this.lastContact;
    if (hubGoneMs < options.afterMinutes * MINUTE_MS) return 'hub-reachable';
    if (options.exempt()) return 'exempt';
    // No facts yet, or no usable idle window: nothing says the instance is idle.
    if (!judgement) return 'waiting';
    if (judgement.busy) return 'busy';
    const idleMs = now - this.lastWork;
    if (idleMs < Math.max(0, idleMinutes) * MINUTE_MS) return 'waiting';

    this.fired = true;
    await this.fire(hubGoneMs, idleMs, judgement.reasons);
    return 'fired';
  }

  private async fire(hubGoneMs: number, idleMs: number, reasons: string[]): Promise<void> {
    const { options } = this;
    const { selfStop } = options;
    const how = selfStop
      ? `stopping this instance through ${selfStop.describe}`
      : "exiting the container's main process (no provider means to stop this instance)";
    options.onEvent(
      'warn',
      `dead-man switch: hub unreachable for ${minutes(hubGoneMs)} min and idle for ${minutes(idleMs)} min ` +
        `(${reasons.join('; ')}): final sync, then ${how}`,
    );
    const sync = await Promise.resolve()
      .then(() => options.finalSync())
      .catch((error: unknown) => ({ ok: false, message: `failed: ${messageOf(error)}` }));
    options.onEvent(sync.ok ? 'info' : 'error', `dead-man switch: final sync: ${sync.message}`);
    if (selfStop) {
      try {
        await selfStop.stop();
        options.onEvent('info', `dead-man switch: stop requested through ${selfStop.describe}`);
        return;
      } catch (error) {
        options.onEvent(
          'error',
          `dead-man switch: stopping through ${selfStop.describe} failed: ${messageOf(error)}; ` +
            "exiting the container's main process instead",
        );
      }
    } else {
      options.onEvent(
        'error',
        "dead-man switch: no provider means to stop this instance: exiting the container's main process",
      );
    }
    options.exit(0);
  }
}
