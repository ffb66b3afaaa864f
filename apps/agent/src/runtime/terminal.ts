import type { LogLevel } from '@podpilot/common';
import type { ProgressDisplay } from './progress-display.js';

/** Writes one human-readable line; `level` (default info) is how much it matters to whoever reads the log. */
export type Say = (line: string, level?: LogLevel) => void;

/** Where the agent's own lines go besides the terminal: the hub's log (stream `agent`, with their level). */
export type LogSink = (line: string, level: LogLevel) => void;

/**
 * The agent's human-readable lines: plain, or through the live progress display while it is shown (it draws
 * its bars below them); each also goes to the log sink once there is one (the hub's log, see {@link logTo}).
 */
export class Terminal {
  private display: ProgressDisplay | undefined;
  private sink: LogSink | undefined;

  constructor(private readonly plain: (line: string) => void = () => {}) {}

  /** Stable: hand it around; it follows the display as it comes and goes. */
  readonly say: Say = (line, level = 'info') => {
    if (this.display) this.display.say(line);
    else this.plain(line);
    this.sink?.(line, level);
  };

  /** Every later line also goes to `sink` (the hub's log). */
  logTo(sink: LogSink): void {
    this.sink = sink;
  }

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
