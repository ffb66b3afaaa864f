import { cutToCodeUnits, type LogLevel, type LogLine } from '@podpilot/common';

/** The longest line sent (UTF-16 units, as the protocol counts); longer ones are cut on a whole character. */
export const MAX_LINE = 8000;

/**
 * Collects log lines and hands them over in batches (every `intervalMs` or at `maxLines`), so a chatty UI
 * costs one request a second, not one per line. Lines beyond `maxBuffered` are dropped (oldest first) while
 * the hub is unreachable.
 */
export class LogBatcher {
  private lines: LogLine[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly send: (lines: LogLine[]) => Promise<void>,
    intervalMs = 1000,
    private readonly maxBuffered = 10_000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** One line; `level` only for the agent's own lines (WebUI lines carry none). */
  add(stream: LogLine['stream'], line: string, level?: LogLevel): void {
    const at = new Date().toISOString();
    const text = cutToCodeUnits(line, MAX_LINE);
    this.lines.push(
      level && stream === 'agent' ? { at, stream, line: text, level } : { at, stream, line: text },
    );
    if (this.lines.length > this.maxBuffered) this.lines.splice(0, this.lines.length - this.maxBuffered);
  }

  async flush(): Promise<void> {
    while (this.lines.length) {
      const batch = this.lines.slice(0, 2000);
      try {
        await this.send(batch);
      } catch {
        return; // kept for the next tick
      }
      this.lines.splice(0, batch.length);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
