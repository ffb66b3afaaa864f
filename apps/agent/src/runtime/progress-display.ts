import { cutToCodeUnits, type ProvisioningItem } from '@podpilot/common';
import cliProgress from 'cli-progress';
import type { ProgressSnapshot, ProgressTracker } from '../provision/progress.js';

/** Where the display writes: a terminal (`isTTY`, `columns`) or any stream, e.g. a log file. */
export type DisplayStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface ProgressDisplayOptions {
  /** Default `process.stdout`. */
  stream?: DisplayStream;
  /** Draw the live display (default: when the stream is a terminal); otherwise `say` only writes lines. */
  enabled?: boolean;
  /** Redraw period in milliseconds (default 200). */
  intervalMs?: number;
  /** The clock in milliseconds (default `Date.now`), for how long finished models stay on screen. */
  now?: () => number;
  /** How long a finished (or failed) model keeps its bar, in milliseconds (default 10 s). */
  keepFinishedMs?: number;
}

export interface ProgressDisplay {
  /** Prints a permanent line (above the live display when it is drawn). */
  say(line: string): void;
  /** Draws the final state and stops redrawing; later `say` lines are written plainly. Idempotent. */
  stop(): void;
}

/** At most this many model bars: running models always get one, finished ones fill up to it. */
const MAX_MODEL_BARS = 8;
/** Names longer than this are cut with an ellipsis. */
const MAX_LABEL = 28;
const BAR_FULL = '\u2588';
const BAR_EMPTY = '\u2591';
/** Clears from the cursor to the end of the screen, so a logged line never mixes with an old bar. */
const CLEAR_DOWN = '\x1b[0J';

/**
 * The live terminal view of a provisioning: one bar per running or recently finished model (bytes, rate,
 * ETA), an overall line, and counts of checkouts, models and files, redrawn from `tracker.snapshot()` every
 * `intervalMs` until `stop()`. When not enabled (not a terminal), nothing is drawn and `say` writes plain
 * lines, so logs stay clean.
 */
export function createProgressDisplay(
  tracker: Pick<ProgressTracker, 'snapshot'>,
  options: ProgressDisplayOptions = {},
): ProgressDisplay {
  const stream = options.stream ?? process.stdout;
  const enabled = options.enabled ?? stream.isTTY === true;
  const plain = (line: string) => void stream.write(`${line}\n`);
  if (!enabled) return { say: plain, stop: () => {} };

  const now = options.now ?? Date.now;
  const keepFinishedMs = options.keepFinishedMs ?? 10_000;
  const multibar = new QuietMultiBar({
    stream,
    format: (_options, _params, payload: { line?: string }) => payload.line ?? '',
    // Every line is redrawn each time: lines move when bars come and go.
    forceRedraw: true,
    // Lines are fitted to the width here; no escape codes that a crash would leave behind.
    linewrap: true,
    hideCursor: false,
    gracefulExit: false,
  });
  const bars: cliProgress.SingleBar[] = [];
  const finishedAt = new Map<string, number>();
  let stopped = false;

  const draw = () => {
    const lines = displayLines(tracker.snapshot(), {
      now: now(),
      finishedAt,
      keepFinishedMs,
      width: stream.columns || 80,
    });
    while (bars.length < lines.length) bars.push(multibar.create(1, 0, { line: '' }));
    for (let bar = bars.at(-1); bar && bars.length > lines.length; bar = bars.at(-1)) {
      bars.pop();
      multibar.remove(bar);
    }
    for (const [i, line] of lines.entries()) bars[i]?.update({ line });
    if (bars.length > 0) multibar.update();
  };
  const timer = setInterval(draw, options.intervalMs ?? 200);
  timer.unref();

  return {
    say(line) {
      if (stopped || bars.length === 0) return plain(line);
      multibar.log(`${CLEAR_DOWN}${line}\n`);
      multibar.update();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      draw();
      if (bars.length > 0) multibar.stop();
    },
  };
}

/**
 * cli-progress's MultiBar schedules its own redraws with a timer that keeps the process alive; here the
 * display's (unref'd) timer redraws, so MultiBar's is cancelled whenever it sets one.
 */
class QuietMultiBar extends cliProgress.MultiBar {
  override create(
    total: number,
    startValue: number,
    payload?: object,
    barOptions?: cliProgress.Options,
  ): cliProgress.SingleBar {
    const bar = super.create(total, startValue, payload, barOptions);
    this.cancelTimer();
    return bar;
  }

  override update(): void {
    super.update();
    this.cancelTimer();
  }

  private cancelTimer(): void {
    const self = this as unknown as { timer: ReturnType<typeof setTimeout> | null };
    if (self.timer) clearTimeout(self.timer);
    self.timer = null;
  }
}

interface LineContext {
  now: number;
  /** When each model was first seen finished, by name (updated here). */
  finishedAt: Map<string, number>;
  keepFinishedMs: number;
  /** Terminal columns. */
  width: number;
}

/** The display's lines for a snapshot: counts, then the overall line and model bars when there are models. */
function displayLines(snapshot: ProgressSnapshot, context: LineContext): string[] {
  const { items } = snapshot;
  if (items.length === 0) return [];
  const fit = (line: string) =>
    line.length < context.width ? line : `${cutToCodeUnits(line, context.width - 2)}…`;
  const models = items.filter((i) => i.kind === 'model');
  const counts = [
    count(
      'checkouts',
      items.filter((i) => i.kind === 'ui' || i.kind === 'extension'),
    ),
    count('models', models),
    count(
      'files',
      items.filter((i) => i.kind === 'file'),
    ),
  ].filter((c) => c !== null);
  const lines = [fit(counts.join('  '))];
  if (models.length === 0) return lines;

  for (const m of models) {
    const finished = m.status === 'done' || m.status === 'failed';
    if (finished && !context.finishedAt.has(m.name)) context.finishedAt.set(m.name, context.now);
    if (!finished) context.finishedAt.delete(m.name);
  }
  const running = models.filter((m) => m.status === 'running');
  const recent = models
    .filter((m) => {
      const at = context.finishedAt.get(m.name);
      return at !== undefined && context.now - at <= context.keepFinishedMs;
    })
    .sort((a, b) => (context.finishedAt.get(b.name) ?? 0) - (context.finishedAt.get(a.name) ?? 0))
    .slice(0, Math.max(0, MAX_MODEL_BARS - running.length));
  const shown = models.filter((m) => running.includes(m) || recent.includes(m));

  const labelWidth = Math.min(MAX_LABEL, Math.max('total'.length, ...models.map((m) => m.name.length)));
  // What follows the bar takes up to about 55 columns ("100%  1023.9 MiB/1023.9 MiB  1023.9 MiB/s  ETA 59m 59s").
  const barWidth = Math.min(30, context.width - labelWidth - 60);
  const row = (label: string, done: number, total: number | null | undefined, tail: string) => {
    const fraction = typeof total === 'number' ? (total > 0 ? Math.min(1, done / total) : 1) : null;
    const percent = fraction === null ? '  ?%' : `${Math.floor(fraction * 100)}%`.padStart(4);
    const bar = barWidth >= 5 ? ` ${drawBar(fraction ?? 0, barWidth)}` : '';
    return fit(`${cut(label, labelWidth)}${bar} ${percent}  ${tail}`);
  };

  lines.push(
    row(
      'total',
      snapshot.doneBytes,
      snapshot.totalBytes,
      `${formatBytes(snapshot.doneBytes)}/${formatBytes(snapshot.totalBytes)}  ${formatRate(snapshot.bytesPerSecond)}  ETA ${formatDuration(snapshot.etaSeconds)}`,
    ),
  );
  for (const m of shown) lines.push(row(m.name, m.doneBytes ?? 0, m.totalBytes, modelTail(m)));
  return lines;
}

function modelTail(m: ProvisioningItem): string {
  const done = m.doneBytes ?? 0;
  if (m.status === 'done') return `${formatBytes(m.totalBytes ?? done)}  done`;
  const bytes = `${formatBytes(done)}/${formatBytes(m.totalBytes ?? null)}`;
  if (m.status === 'failed') return `${bytes}  failed${m.error ? `: ${m.error}` : ''}`;
  return `${bytes}  ${formatRate(m.bytesPerSecond ?? 0)}  ETA ${formatDuration(m.etaSeconds ?? null)}`;
}

/** "checkouts 3/4" (done of all), with the failed ones; null when there are none of that kind. */
function count(label: string, items: ProvisioningItem[]): string | null {
  if (items.length === 0) return null;
  const done = items.filter((i) => i.status === 'done').length;
  const failed = items.filter((i) => i.status === 'failed').length;
  return `${label} ${done}/${items.length}${failed > 0 ? ` (${failed} failed)` : ''}`;
}

function drawBar(fraction: number, width: number): string {
  const full = Math.round(fraction * width);
  return BAR_FULL.repeat(full) + BAR_EMPTY.repeat(width - full);
}

/** Pads or cuts (with an ellipsis) to exactly `width` characters. */
function cut(text: string, width: number): string {
  return text.length > width ? `${cutToCodeUnits(text, width - 1)}…` : text.padEnd(width);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB"; null → "?". */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** 1536 → "1.5 KiB/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 42 → "42s", 125 → "2m 05s", 7260 → "2h 01m"; null (unknown) → "-". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
