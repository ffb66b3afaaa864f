import { sha256Blob } from '../../lib/sha256-file';
import type { HashMessage } from './hash.worker';

/**
 * The sha256 of a picked file, computed in a worker (the page stays responsive), or on the main thread
 * one slice at a time where workers are unavailable. Rejects with the signal's reason when cancelled.
 */
export function hashFile(
  file: File,
  onProgress: (doneBytes: number) => void,
  signal: AbortSignal,
): Promise<string> {
  if (typeof Worker === 'undefined') return sha256Blob(file, { onProgress, signal });
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const worker = new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module' });
    const finish = () => {
      worker.terminate();
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (event: MessageEvent<HashMessage>) => {
      const message = event.data;
      if (message.type === 'progress') onProgress(message.doneBytes);
      else if (message.type === 'done') {
        finish();
        resolve(message.sha256);
      } else {
        finish();
        reject(new Error(`Could not read the file: ${message.message}`));
      }
    };
    worker.onerror = (event) => {
      // A worker that cannot start (e.g. a strict CSP): hash here instead.
      event.preventDefault();
      finish();
      sha256Blob(file, { onProgress, signal }).then(resolve, reject);
    };
    worker.postMessage({ file });
  });
}
