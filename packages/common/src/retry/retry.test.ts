import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter, retry, retryAfterFromHeaders, sleep } from './retry.js';

describe('backoffMs', () => {
  it('grows exponentially up to the cap, with full jitter in [0, ceiling)', () => {
    expect(backoffMs(0, { random: () => 0.999 })).toBeCloseTo(499.5);
    expect(backoffMs(3, { random: () => 0.5 })).toBe(2000);
    expect(backoffMs(40, { random: () => 0.5, capMs: 10_000 })).toBe(5000);
    expect(backoffMs(2, { random: () => 0 })).toBe(0);
  });
  it('half jitter never waits under half the ceiling', () => {
    expect(backoffMs(1, { jitter: 'half', random: () => 0 })).toBe(500);
    expect(backoffMs(1, { jitter: 'half', random: () => 0.999 })).toBeCloseTo(999.5);
  });
});

describe('sleep', () => {
  it('rejects with the reason when aborted, at once when already aborted', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(sleep(10, controller.signal)).rejects.toThrow('stop');
  });
});

describe('Retry-After', () => {
  it('reads seconds, HTTP dates and the RateLimit headers', () => {
    const now = Date.parse('2026-12-07T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 00:00:10 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(retryAfterFromHeaders(new Headers({ 'ratelimit-reset': '7' }), now)).toBe(7000);
    expect(retryAfterFromHeaders(new Headers({ ratelimit: 'limit=10, remaining=0, reset=4' }), now)).toBe(
      4000,
    );
    expect(retryAfterFromHeaders(new Headers(), now)).toBeNull();
  });
});

describe('retry', () => {
  const noWait = async () => {};
  it('retries until success and reports each wait', async () => {
    const waits: number[] = [];
    const result = await retry(
      async (attempt) => {
        if (attempt < 2) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { sleep: noWait, random: () => 0.5, onRetry: (_e, _a, ms) => waits.push(ms) },
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([250, 500]);
  });
  it('stops at the attempt limit and on a failure that is not retryable', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('down');
        },
        { attempts: 3, sleep: noWait },
      ),
    ).rejects.toThrow('down');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('refused');
        },
        { retryable: () => false, sleep: noWait },
      ),
    ).rejects.toThrow('refused');
    expect(calls).toBe(1);
  });
  it('waits the failure’s Retry-After when it is longer than the backoff', async () => {
    const waits: number[] = [];
    await retry(
      async (attempt) => {
        if (attempt === 0) throw Object.assign(new Error('429'), { retryAfter: 9000 });
      },
      {
        sleep: async (ms) => {
          waits.push(ms);
        },
        retryAfterMs: (e) => (e as { retryAfter?: number }).retryAfter,
      },
    );
    expect(waits).toEqual([9000]);
  });
});
