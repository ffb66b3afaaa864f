import { errorMessage } from '@podpilot/common';
import { sha256Blob } from '../../lib/sha256-file';

/** Hashes a picked file off the main thread, so the page stays smooth through a multi-GB checkpoint. */
export type HashRequest = { file: Blob };
export type HashMessage =
  | { type: 'progress'; doneBytes: number }
  | { type: 'done'; sha256: string }
  | { type: 'error'; message: string };

const post = (message: HashMessage) => self.postMessage(message);

self.onmessage = async (event: MessageEvent<HashRequest>) => {
  try {
    const sha256 = await sha256Blob(event.data.file, {
      onProgress: (doneBytes) => post({ type: 'progress', doneBytes }),
    });
    post({ type: 'done', sha256 });
  } catch (error) {
    post({ type: 'error', message: errorMessage(error) });
  }
};
