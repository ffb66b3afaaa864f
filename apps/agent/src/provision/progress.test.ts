import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './progress.js';

const MiB = 1024 * 1024;

/** A tracker on a clock the test moves by hand. */
function tracker(windowMs?: number) {
  let now = 1_000_000;
  const progress = new ProgressTracker({ now: () => now, ...(windowMs ? { windowMs } : {}) });
  return { progress, advance: (ms: number) => (now += ms) };
}

describe('ProgressTracker', () => {
  it('starts empty: no bytes, no rate, nothing left', () => {
    const { progress } = tracker();
    expect(progress.snapshot()).toEqual({
      doneBytes: 0,
      totalBytes: 0,
      bytesPerSecond: 0,
      etaSeconds: 0,
      items: [],
    });
  });

  it('sums the bytes of every item and the sizes of the models', () => {
    const { progress } = tracker();
    progress.set('ui', 'comfyui', { status: 'done' });
    progress.set('model', 'a', { status: 'running', doneBytes: 10 * MiB, totalBytes: 100 * MiB });
    progress.set('model', 'b', { status: 'running', doneBytes: 5 * MiB, totalBytes: 50 * MiB });
    const snap = progress.snapshot();
    expect(snap.doneBytes).toBe(15 * MiB);
    expect(snap.totalBytes).toBe(150 * MiB);
    expect(snap.items.map((i) => `${i.kind}:${i.name}:${i.status}`)).toEqual([
      'ui:comfyui:done',
      'model:a:running',
      'model:b:running',
    ]);
  });

  it('has no total, and so no overall ETA, while a model size is unknown', () => {
    const { progress, advance } = tracker();
    progress.set('model', 'a', { status: 'running', doneBytes: 0, totalBytes: 100 * MiB });
    progress.set('model', 'b', { status: 'pending' });
    advance(1000);
    progress.set('model', 'a', { doneBytes: 10 * MiB, bytesPerSecond: 10 * MiB });
    const snap = progress.snapshot();
    expect(snap.totalBytes).toBeNull();
    expect(snap.etaSeconds).toBeNull();
    expect(snap.bytesPerSecond).toBe(10 * MiB);
    expect(snap.items.find((i) => i.name === 'b')?.etaSeconds).toBeNull();
  });

  it('gives an item the ETA of its own rate, and null without a rate or a size', () => {
    const { progress } = tracker();
    progress.set('model', 'a', {
      status: 'running',
      doneBytes: 20 * MiB,
      totalBytes: 100 * MiB,
      bytesPerSecond: 8 * MiB,
    });
    progress.set('model', 'nosize', {
      status: 'running',
      doneBytes: 20 * MiB,
      totalBytes: null,
      bytesPerSecond: 8 * MiB,
    });
    progress.set('model', 'norate', { status: 'running', doneBytes: 0, totalBytes: 100 * MiB });
    const eta = Object.fromEntries(progress.snapshot().items.map((i) => [i.name, i.etaSeconds]));
    expect(eta).toEqual({ a: 10, nosize: null, norate: null });
  });

  it('rounds an item ETA up, so only a finished item reads 0', () => {
    const { progress } = tracker();
    progress.set('model', 'a', { status: 'running', doneBytes: 99, totalBytes: 100, bytesPerSecond: 1000 });
    expect(progress.snapshot().items[0]?.etaSeconds).toBe(1);
  });

  it('gives done items an ETA of 0 and failed items none', () => {
    const { progress } = tracker();
    progress.set('model', 'a', { status: 'running', doneBytes: 5, totalBytes: 100, bytesPerSecond: 1 });
    progress.set('model', 'a', { status: 'done', doneBytes: 100, totalBytes: 100 });
    progress.set('model', 'b', { status: 'running', doneBytes: 5, totalBytes: 100, bytesPerSecond: 1 });
    progress.set('model', 'b', { status: 'failed', error: 'boom' });
    progress.set('extension', 'x', { status: 'done' });
    const eta = Object.fromEntries(progress.snapshot().items.map((i) => [i.name, i.etaSeconds]));
    expect(eta).toEqual({ a: 0, b: null, x: 0 });
  });

  it('averages since the first byte while that is more recent than the window', () => {
    const { progress, advance } = tracker();
    progress.set('model', 'a', { status: 'running', doneBytes: 0, totalBytes: 100 * MiB });
    advance(1000);
    progress.set('model', 'a', { doneBytes: 4 * MiB });
    advance(1000);
    progress.set('model', 'a', { doneBytes: 6 * MiB });
    const snap = progress.snapshot();
    expect(snap.bytesPerSecond).toBe(3 * MiB); // 6 MiB in 2 s
    expect(snap.etaSeconds).toBe(Math.ceil((94 * MiB) / (3 * MiB)));
  });

  it('measures the rate over the last window once the download runs longer', () => {
    const { progress, advance } = tracker(5000);
    progress.set('model', 'a', { status: 'running', doneBytes: 0, totalBytes: 1000 * MiB });
    // 10 s at 1 MiB/s, then 5 s at 10 MiB/s: the recent rate is the fast one.
    let done = 0;
    for (let s = 0; s < 10; s++) {
      advance(1000);
      done += MiB;
      progress.set('model', 'a', { doneBytes: done });
    }
    for (let s = 0; s < 5; s++) {
      advance(1000);
      done += 10 * MiB;
      progress.set('model', 'a', { doneBytes: done });
    }
    const snap = progress.snapshot();
    expect(snap.bytesPerSecond).toBe(10 * MiB);
    expect(snap.etaSeconds).toBe(Math.ceil((1000 * MiB - done) / (10 * MiB)));
  });

  it('counts the bytes of parallel downloads together', () => {
    const { progress, advance } = tracker();
    progress.set('model', 'a', { status: 'running', doneBytes: 0, totalBytes: 100 * MiB });
    progress.set('model', 'b', { status: 'running', doneBytes: 0, totalBytes: 100 * MiB });
    advance(2000);
    progress.set('model', 'a', { doneBytes: 4 * MiB });
    progress.set('model', 'b', { doneBytes: 6 * MiB });
    expect(progress.snapshot().bytesPerSecond).toBe(5 * MiB);
  });

  it('lets the rate fall to 0 when the bytes stop, and then has no ETA', () => {
    const { progress, advance } = tracker(5000);
    progress.set('model', 'a', { status: 'running', doneBytes: 0, totalBytes: 100 * MiB });
    advance(1000);
    progress.set('model', 'a', { doneBytes: 10 * MiB });
    advance(6000);
    const snap = progress.snapshot();
    expect(snap.bytesPerSecond).toBe(0);
    expect(snap.etaSeconds).toBeNull();
  });

  it('does not count resumed bytes or cached files as transfer', () => {
    const { progress, advance } = tracker();
    // A cached model: running, then done at once with its whole size.
    progress.set('model', 'cached', { status: 'running' });
    progress.set('model', 'cached', { status: 'done', doneBytes: 500 * MiB, totalBytes: 500 * MiB });
    // A resumed download: the first report already holds 80 MiB from an earlier run.
    progress.set('model', 'resumed', { status: 'running' });
    progress.set('model', 'resumed', { doneBytes: 80 * MiB, totalBytes: 100 * MiB });
    advance(1000);
    progress.set('model', 'resumed', { doneBytes: 82 * MiB });
    const snap = progress.snapshot();
    expect(snap.doneBytes).toBe(582 * MiB);
    expect(snap.totalBytes).toBe(600 * MiB);
    expect(snap.bytesPerSecond).toBe(2 * MiB);
    expect(snap.etaSeconds).toBe(9); // 18 MiB at 2 MiB/s
  });

  it('reads an overall ETA of 0 when every model is done', () => {
    const { progress, advance } = tracker();
    progress.set('model', 'a', { status: 'running', doneBytes: 0, totalBytes: 10 * MiB });
    advance(1000);
    progress.set('model', 'a', { doneBytes: 10 * MiB });
    progress.set('model', 'a', { status: 'done', doneBytes: 10 * MiB, totalBytes: 10 * MiB });
    advance(60_000);
    const snap = progress.snapshot();
    expect(snap).toMatchObject({
      doneBytes: 10 * MiB,
      totalBytes: 10 * MiB,
      bytesPerSecond: 0,
      etaSeconds: 0,
    });
  });

  it('keeps the rate an item reports', () => {
    const { progress } = tracker();
    progress.set('model', 'a', { status: 'running', doneBytes: 1, totalBytes: 2, bytesPerSecond: 1234 });
    expect(progress.snapshot().items[0]?.bytesPerSecond).toBe(1234);
  });

  it('works with the default clock', () => {
    const progress = new ProgressTracker();
    progress.set('model', 'a', { status: 'running', doneBytes: 0, totalBytes: 10 });
    expect(progress.snapshot()).toMatchObject({ doneBytes: 0, totalBytes: 10, bytesPerSecond: 0 });
  });
});
