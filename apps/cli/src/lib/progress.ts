import cliProgress from 'cli-progress';
import type { PushProgress } from './model-push.js';
import { formatBytes, formatDuration, formatRate } from './output.js';
import type { PullProgress } from './outputs-pull.js';

const PHASE_LABELS: Record<PushProgress['phase'], string> = {
  hash: 'hash  ',
  upload: 'upload',
  finish: 'finish',
};

/**
 * The push bar's words after the bar: bytes done of all, rate and time left in human units; while the hub
 * joins the parts and checks the sha256 (`finish`), says so instead of standing still at 100 %.
 */
export function pushProgressText(p: PushProgress, seconds: number, phaseStartBytes: number): string {
  if (p.phase === 'finish') return `${formatBytes(p.totalBytes)} sent | the hub checks the sha256…`;
  const rate = seconds > 0.5 ? (p.doneBytes - phaseStartBytes) / seconds : 0;
  const left = rate > 0 ? (p.totalBytes - p.doneBytes) / rate : Number.NaN;
  return `${formatBytes(p.doneBytes)} / ${formatBytes(p.totalBytes)} | ${formatRate(rate)} | ${formatDuration(left)} left`;
}

/**
 * A progress bar on stderr per phase (hash, upload, then the hub's check), with bytes, rate and time left.
 * Silent when stderr is not a terminal, so logs and pipes stay clean.
 */
export function pushProgressBar(enabled = process.stderr.isTTY === true) {
  if (!enabled) return { update: (_p: PushProgress) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      // Only our own tokens after the bar: cli-progress's `{total}` and `{eta}` are raw numbers.
      format: '{phase} [{bar}] {percentage}% | {text}',
      hideCursor: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: PushProgress['phase'] | undefined;
  let phaseStart = 0;
  let phaseStartBytes = 0;
  return {
    update(p: PushProgress) {
      if (p.phase !== phase) {
        if (phase) bar.stop();
        phase = p.phase;
        phaseStart = performance.now();
        phaseStartBytes = p.doneBytes;
        bar.start(Math.max(p.totalBytes, 1), p.doneBytes, { phase: PHASE_LABELS[p.phase], text: '' });
      }
      const seconds = (performance.now() - phaseStart) / 1000;
      bar.update(p.doneBytes, { text: pushProgressText(p, seconds, phaseStartBytes) });
    },
    stop() {
      if (phase) bar.stop();
    },
  };
}

/**
 * `podpilot outputs pull`'s bar on stderr: files done of all, bytes in place of the total, download rate.
 * Silent when stderr is not a terminal.
 */
export function pullProgressBar(enabled = process.stderr.isTTY === true) {
  if (!enabled) return { update: (_p: PullProgress) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'pull [{bar}] {percentage}% | {files}/{allFiles} files | {done} / {allBytes} | {speed}',
      hideCursor: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started: number | undefined;
  return {
    update(p: PullProgress) {
      const values = {
        files: p.files,
        allFiles: p.totalFiles,
        done: formatBytes(p.bytes),
        allBytes: formatBytes(p.totalBytes),
      };
      if (started === undefined) {
        started = performance.now();
        bar.start(Math.max(p.totalBytes, 1), p.bytes, { ...values, speed: '' });
      }
      const seconds = (performance.now() - started) / 1000;
      const speed = seconds > 0.5 ? formatRate(p.downloadedBytes / seconds) : '';
      bar.update(p.totalBytes ? p.bytes : p.files === p.totalFiles ? 1 : 0, { ...values, speed });
    },
    stop() {
      if (started !== undefined) bar.stop();
      started = undefined;
    },
  };
}
