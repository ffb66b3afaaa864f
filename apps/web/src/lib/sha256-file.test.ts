import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Blob } from './sha256-file';

const nodeSha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function bytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + 7) % 251;
  return out;
}

describe('sha256Blob', () => {
  it('hashes an empty blob', async () => {
    expect(await sha256Blob(new Blob([]))).toBe(nodeSha(new Uint8Array()));
  });

  it('matches a one-shot hash whatever the chunk size', async () => {
    const data = bytes(100_003);
    for (const chunkBytes of [997, 4096, 65_536, 100_003, 1 << 20]) {
      expect(await sha256Blob(new Blob([data]), { chunkBytes })).toBe(nodeSha(data));
    }
  });

  it('reports progress after each chunk, ending at the size', async () => {
    const seen: number[] = [];
    await sha256Blob(new Blob([bytes(10)]), { chunkBytes: 4, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([4, 8, 10]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const run = sha256Blob(new Blob([bytes(1000)]), {
      chunkBytes: 10,
      onProgress: (done) => {
        if (done >= 100) controller.abort(new Error('cancelled'));
      },
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow('cancelled');
  });
});
