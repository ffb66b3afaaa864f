import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressTracker } from '../provision/progress.js';
import { createProgressDisplay, formatBytes, formatDuration } from './progress-display.js';

const MiB = 1024 * 1024;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
const ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
const ESCAPE_OR_NEWLINE = /\x1b\[[0-9;?]*[A-Za-z]|[\r\n]/;

/** A stream that looks like a terminal (or not) and keeps what is written to it. */
function fakeStream(tty: boolean) {
  const stream = Object.assign(new PassThrough(), tty ? { isTTY: true, columns: 100 } : {});
  let written = '';
  stream.on('data', (chunk: Buffer) => {
    written += chunk.toString('utf8');
  });
  // Escape sequences (cursor moves, clears) are left out so the text can be read.
  const text = () => written.replace(ESCAPE, '');
  return { stream, raw: () => written, text };
}

/** A tracker on a hand-moved clock, with a checkout, a running model and a file. */
function provisioning() {
  let now = 1_000_000;
  const tracker = new ProgressTracker({ now: () => now });
  tracker.set('ui', 'comfyui', { status: 'done' });
  tracker.set('extension', 'comfyui-manager', { status: 'running' });
  tracker.set('model', 'sdxl-base.safetensors', { status: 'running', doneBytes: 0, totalBytes: 400 * MiB });
  tracker.set('file', 'extra_model_paths.yaml', { status: 'pending' });
  return { tracker, advance: (ms: number) => (now += ms) };
}

describe('createProgressDisplay', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws model bars, the overall line and counts on a terminal, and says lines above them', async () => {
    const { stream, raw, text } = fakeStream(true);
    const { tracker, advance } = provisioning();
    const display = createProgressDisplay(tracker, { stream, intervalMs: 200 });
    display.say('instance i-1: profile demo@3');

    advance(2000);
    tracker.set('model', 'sdxl-base.safetensors', {
      doneBytes: 100 * MiB,
      totalBytes: 400 * MiB,
      bytesPerSecond: 50 * MiB,
    });
    await vi.advanceTimersByTimeAsync(250);
    display.say('extension comfyui-manager: done at 0123456789ab');
    tracker.set('extension', 'comfyui-manager', { status: 'done' });
    await vi.advanceTimersByTimeAsync(250);

    const live = text();
    expect(live).toContain('instance i-1: profile demo@3\n');
    expect(live).toContain('extension comfyui-manager: done at 0123456789ab\n');
    expect(live).toContain('sdxl-base.safetensors');
    expect(live).toContain(' 25%  100.0 MiB/400.0 MiB  50.0 MiB/s  ETA 6s');
    expect(live).toMatch(/total .* 25% {2}100\.0 MiB\/400\.0 MiB {2}50\.0 MiB\/s {2}ETA 6s/);
    expect(live).toContain('checkouts 1/2  models 0/1  files 0/1');
    expect(live).toContain('checkouts 2/2  models 0/1  files 0/1');
    expect(raw()).toContain('\x1b[2A'); // the redraw moves back up over its three lines
    // No drawn line is as wide as the terminal (it would wrap).
    for (const line of raw().split(ESCAPE_OR_NEWLINE)) expect(line.length).toBeLessThan(100);

    advance(2000);
    tracker.set('model', 'sdxl-base.safetensors', { status: 'done', doneBytes: 400 * MiB });
    tracker.set('file', 'extra_model_paths.yaml', { status: 'done' });
    display.stop();
    const final = text().slice(live.length);
    expect(final).toContain('sdxl-base.safetensors');
    expect(final).toContain('100%  400.0 MiB  done');
    expect(final).toContain('checkouts 2/2  models 1/1  files 1/1');
    expect(final.endsWith('\n')).toBe(true);

    // Stopped: no more redraws, and later lines are plain.
    const before = raw().length;
    display.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(raw().length).toBe(before);
    display.say('webui on port 8188');
    expect(raw().slice(before)).toBe('webui on port 8188\n');
  });

  it('shows an unknown size as "?" and no ETA', async () => {
    const { stream, text } = fakeStream(true);
    const tracker = new ProgressTracker({ now: () => 0 });
    tracker.set('model', 'mystery.ckpt', { status: 'running', doneBytes: 3 * MiB, totalBytes: null });
    const display = createProgressDisplay(tracker, { stream });
    await vi.advanceTimersByTimeAsync(250);
    display.stop();
    expect(text()).toContain('mystery.ckpt');
    expect(text()).toMatch(/mystery\.ckpt .* {2}\?% {2}3\.0 MiB\/\? {2}0 B\/s {2}ETA -/);
  });

  it('drops the bar of a model some time after it finished', async () => {
    const { stream, text } = fakeStream(true);
    let now = 0;
    const tracker = new ProgressTracker({ now: () => now });
    tracker.set('model', 'old.safetensors', { status: 'done', doneBytes: MiB, totalBytes: MiB });
    const display = createProgressDisplay(tracker, { stream, now: () => now, keepFinishedMs: 5000 });
    await vi.advanceTimersByTimeAsync(250);
    expect(text()).toContain('old.safetensors');
    now += 6000;
    tracker.set('model', 'new.safetensors', { status: 'running', doneBytes: 0, totalBytes: MiB });
    const seen = text().length;
    await vi.advanceTimersByTimeAsync(250);
    display.stop();
    expect(text().slice(seen)).toContain('new.safetensors');
    expect(text().slice(seen)).not.toContain('old.safetensors');
  });

  it('writes only the said lines when the stream is not a terminal', async () => {
    const { stream, raw } = fakeStream(false);
    const { tracker, advance } = provisioning();
    const display = createProgressDisplay(tracker, { stream });
    display.say('instance i-1: profile demo@3');
    advance(1000);
    tracker.set('model', 'sdxl-base.safetensors', { doneBytes: 100 * MiB, bytesPerSecond: 50 * MiB });
    await vi.advanceTimersByTimeAsync(1000);
    display.say('model sdxl-base.safetensors: fetched from url, sha256 verified');
    display.stop();
    display.say('after stop');
    expect(raw()).toBe(
      'instance i-1: profile demo@3\nmodel sdxl-base.safetensors: fetched from url, sha256 verified\nafter stop\n',
    );
  });

  it('can be turned off on a terminal', async () => {
    const { stream, raw } = fakeStream(true);
    const { tracker } = provisioning();
    const display = createProgressDisplay(tracker, { stream, enabled: false });
    await vi.advanceTimersByTimeAsync(1000);
    display.say('plain');
    display.stop();
    expect(raw()).toBe('plain\n');
  });

  it('does not keep the process alive', () => {
    const { stream } = fakeStream(true);
    const { tracker } = provisioning();
    const unref = vi.spyOn(globalThis, 'setInterval');
    const display = createProgressDisplay(tracker, { stream });
    const timer = unref.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    display.stop();
    unref.mockRestore();
  });
});

describe('formatting', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(6.5 * 1024 ** 3)).toBe('6.5 GiB');
    expect(formatBytes(null)).toBe('?');
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(7260)).toBe('2h 01m');
    expect(formatDuration(null)).toBe('-');
  });
});
