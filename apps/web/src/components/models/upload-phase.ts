import type { ModelSummary } from '@podpilot/common';
import { ApiRequestError } from '../../api/client';
import { RateMeter } from '../../lib/transfer';

type Progress = { doneBytes: number; totalBytes: number; rate: number | null; eta: number | null };

/** Where a push from this computer stands. */
export type UploadPhase =
  | ({ step: 'hashing' } & Progress)
  | ({ step: 'uploading' } & Progress)
  | { step: 'idle' }
  | { step: 'starting' }
  | { step: 'completing' }
  | { step: 'done'; model: ModelSummary; existed: boolean }
  | { step: 'cancelled' }
  | { step: 'failed'; error: unknown };

export const isRunning = (phase: UploadPhase): boolean =>
  phase.step === 'hashing' ||
  phase.step === 'uploading' ||
  phase.step === 'starting' ||
  phase.step === 'completing';

/** A failed push the hub did not refuse (a network or storage failure): "Try again" sends only the rest. */
export const isResumable = (phase: UploadPhase): boolean =>
  phase.step === 'failed' &&
  !(phase.error instanceof ApiRequestError && phase.error.status >= 400 && phase.error.status < 500);

/**
 * Hashing or upload progress as it arrives (in bursts, from several parts at once), shown four times a
 * second with the rate and time left.
 */
export function progressTicker(totalBytes: number, show: (phase: UploadPhase) => void) {
  const meter = new RateMeter();
  let doneBytes = 0;
  let step: 'hashing' | 'uploading' = 'hashing';
  let timer: ReturnType<typeof setInterval> | undefined;
  const tick = () => show({ step, doneBytes, totalBytes, rate: meter.rate(), eta: meter.eta(totalBytes) });
  return {
    /** Bytes done so far. */
    track: (bytes: number) => {
      doneBytes = bytes;
      meter.add(performance.now(), bytes);
    },
    tick,
    /** Shows `next` from now on, the rate measured afresh for an upload. */
    start(next: 'hashing' | 'uploading') {
      clearInterval(timer);
      if (next === 'uploading') meter.reset();
      step = next;
      timer = setInterval(tick, 250);
    },
    stop: () => clearInterval(timer),
  };
}

export type ProgressTicker = ReturnType<typeof progressTicker>;
