import type { ProgressDisplay } from './progress-display.js';

/** Writes one human-readable line. */
export type Say = (line: string) => void;

/**
 * The agent's human-readable lines: plain, or through the live progress display while it is shown (it draws
 * its bars below them).
 */
export class Terminal {
  private display: ProgressDisplay | undefined;

  constructor(private readonly plain: Say = () => {}) {}

  /** Stable: hand it around; it follows the display as it comes and goes. */
  readonly say: Say = (line) => (this.display ? this.display.say(line) : this.plain(line));

  /** Lines go through `display` until {@link endDisplay}. */
  showDisplay(display: ProgressDisplay | undefined): void {
    this.display = display;
  }

  /** Stops the display (its final state stays on screen); later lines are plain. Idempotent. */
  endDisplay(): void {
    this.display?.stop();
    this.display = undefined;
  }
}
