import cliProgress from 'cli-progress';
import type { PushProgress } from './model-push.js';
import { formatBytes } from './output.js';
import type { PullProgress } from './outputs-pull.js';

/**
 * A progress bar on stderr with bytes, speed and ETA, per phase (hash, then upload). Silent when stderr
 * is not a terminal, so logs and pipes stay clean.
 */
export function pushProgressBar(enabled = process.stderr.isTTY === true) {
  if (!enabled) return { update: (_p: PushProgress) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{phase} [{bar}] {percentage}% | {done} / {total} | {speed} | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 20,
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
        bar.start(p.totalBytes, p.doneBytes, {
          phase: p.phase.padEnd(6),
          done: '',
          total: formatBytes(p.totalBytes),
          speed: '',
        });
      }
      const seconds = (performance.now() - phaseStart) / 1000;
      const speed = seconds > 0 ? `${formatBytes((p.doneBytes - phaseStartBytes) / seconds)}/s` : '';
      bar.update(p.doneBytes, { done: formatBytes(p.doneBytes), speed });
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
      const speed = seconds > 0.5 ? `${formatBytes(Math.round(p.downloadedBytes / seconds))}/s` : '';
      bar.update(p.totalBytes ? p.bytes : p.files === p.totalFiles ? 1 : 0, { ...values, speed });
    },
    stop() {
      if (started !== undefined) bar.stop();
      started = undefined;
    },
  };
}
