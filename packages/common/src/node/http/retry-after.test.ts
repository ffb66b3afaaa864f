// Moved from the hub's providers/http-client.test.ts when its Retry-After helpers were folded into the common
// retry core, which the HTTP core reads Retry-After with.
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryAfterFromHeaders } from '../../retry/retry.js';

describe('Retry-After', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('reads delay-seconds and HTTP dates; a past date is 0; junk is null', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now - 30_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('falls back to the RateLimit headers', () => {
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '3', 'ratelimit-reset': '9' }), now)).toBe(
      3000,
    );
    expect(retryAfterFromHeaders(new Headers({ 'ratelimit-reset': '9' }), now)).toBe(9000);
    expect(retryAfterFromHeaders(new Headers({ ratelimit: '"default";r=0;t=12' }), now)).toBe(12_000);
    expect(retryAfterFromHeaders(new Headers({ ratelimit: 'limit=100, remaining=0, reset=4' }), now)).toBe(
      4000,
    );
    expect(retryAfterFromHeaders(new Headers(), now)).toBeNull();
  });
});
