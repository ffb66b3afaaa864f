/** A growth must raise the throughput by this factor to count as paying (10%: noise stays below it). */
const GAIN = 1.1;
/**
 * Periods the count is held after a growth that did not pay or a refusal, before it is tried again (5 s at
 * the default period): what the server gives changes, e.g. when another download from it ends.
 */
export const HOLD_PERIODS = 10;

type Phase = 'baseline' | 'judge' | 'hold';

/**
 * How many parallel connections one download should hold, learnt from what the server gives. CDNs (Hugging
 * Face, Civitai) cap each connection's rate, so connections are what wins there, while a fast server or a
 * slow disk gains nothing from more and a server that caps connections refuses the extra ones.
 *
 * - Starts at `initial`; measures a period's throughput, doubles the count, and keeps doubling (up to `max`)
 *   while each doubling raised the throughput by at least 10%. A doubling that did not pay goes back to the
 *   count before it.
 * - Each refusal (HTTP 429 or 503) takes one connection away and caps the count at what is left, so a server
 *   allowing N connections ends at N.
 * - After either, the count is held for HOLD_PERIODS, then probed again from a fresh measurement.
 * - limitTo() caps it from outside (the download's fair share of its origin's connections).
 * - The period right after a change is not measured (new connections are still starting up).
 *
 * Pure bookkeeping, not thread-safe and not blocking: the download calls sample() once per period and
 * throttled() per refusal, then moves its connection count towards `connections`.
 */
export class ConnectionGovernor {
  private readonly max: number;
  private target: number;
  private ceiling: number;
  /** A cap from outside: the download's fair share of its origin's connections (OriginShare). */
  private external = Number.POSITIVE_INFINITY;
  private before: number;
  /** Throughput at `before`, the count before the last doubling. */
  private best = 0;
  private phase: Phase = 'baseline';
  /** The last growth it wanted was stopped by the cap from outside (limitTo), not by its own ceiling. */
  private heldByCap = false;
  private held = 0;
  private warming = true;

  constructor(initial: number, max: number) {
    this.max = Math.max(1, Math.floor(max));
    this.ceiling = this.max;
    this.target = Math.min(this.max, Math.max(1, Math.floor(initial)));
    this.before = this.target;
  }

  /** The connection count the download should hold now. */
  get connections(): number {
    return this.target;
  }

  /** One period's throughput (bytes per second) at the current count; returns the count to hold next. */
  sample(bytesPerSecond: number): number {
    if (this.warming) {
      this.warming = false;
      return this.target;
    }
    if (this.phase === 'hold') {
      if (++this.held >= HOLD_PERIODS) {
        this.ceiling = this.max;
        this.phase = 'baseline';
      }
      return this.target;
    }
    if (this.phase === 'judge' && bytesPerSecond < this.best * GAIN) {
      this.target = Math.min(this.before, this.external); // the doubling did not pay: back to before
      this.hold();
      return this.target;
    }
    const most = Math.min(this.ceiling, this.external);
    if (this.target >= most) {
      this.heldByCap = most === this.external && this.external < this.ceiling;
      this.hold();
      return this.target;
    }
    this.best = bytesPerSecond;
    this.before = this.target;
    this.target = Math.min(most, this.target * 2);
    this.phase = 'judge';
    this.warming = true;
    return this.target;
  }

  /** The server refused a request as too many (429/503): one connection fewer, and no more for a while. */
  throttled(): number {
    this.target = Math.max(1, this.target - 1);
    this.ceiling = this.target;
    this.hold();
    return this.target;
  }

  /** Whether the last sample wanted more connections than the cap from outside allows (and reset). */
  takeWantsMore(): boolean {
    const wanted = this.heldByCap;
    this.heldByCap = false;
    return wanted;
  }

  /** Caps the count from outside (e.g. a fair share of the origin's connections) until changed again. */
  limitTo(connections: number): number {
    this.external = Math.max(1, Math.floor(connections));
    this.target = Math.min(this.target, this.external);
    return this.target;
  }

  private hold(): void {
    this.phase = 'hold';
    this.held = 0;
    this.warming = true;
  }
}
