import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { component, keysOf, plainParams, type Target, useRouteFuzz } from '../test-support/unicode-fuzz.js';

/** An empty JSON body where the method takes one, so the request reaches the route's checks. */
const bodyFor = (t: Target) => (t.method === 'GET' || t.method === 'DELETE' ? undefined : {});

/** Full-Unicode text and raw escapes in every registered route's path parameters and query string: no 5xx. */
describe("full-Unicode text in every route's URL", () => {
  const { targets, fuzz, seen, instanceId } = useRouteFuzz('fuzz-unicode-urls');

  it('path parameters: every route with one, never a 5xx', async () => {
    const found = await fuzz(
      (t) => /:\w+|\*/.test(t.url),
      (t) => {
        const count = (t.url.match(/:\w+|\*/g) ?? []).length;
        return fc.array(component, { minLength: count, maxLength: count }).map((values) => {
          let i = 0;
          const url = t.url.replace(/:\w+|\*/g, () => values[i++] ?? '');
          return { url, body: bodyFor(t) };
        });
      },
      40,
      // Every parameter holding NUL, a lone surrogate, a bidi override, whatever the draw.
      (t) =>
        ['a%00b', 'a%ED%A0%80', 'a%E2%80%AEb'].map((v) => ({
          url: t.url.replace(/:\w+|\*/g, v),
          body: bodyFor(t),
        })),
    );
    expect(found.slice(0, 10)).toEqual([]);
  }, 180_000);

  it('query strings: every registered route, its own keys and others, never a 5xx', async () => {
    const all = targets();
    expect(all.length).toBeGreaterThan(60);
    const found = await fuzz(
      () => true,
      (t) => {
        const keys = [...keysOf(t.entry?.query), 'x'];
        const pair = fc.tuple(fc.oneof(fc.constantFrom(...keys), component), component);
        return fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs) => ({
          url: `${plainParams(t, instanceId())}?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`,
          body: bodyFor(t),
        }));
      },
      40,
      // Each of the route's own keys with NUL and with a lone surrogate, whatever the draw.
      (t) =>
        keysOf(t.entry?.query).flatMap((k) =>
          ['a%00b', 'a%ED%A0%80'].map((v) => ({
            url: `${plainParams(t, instanceId())}?${k}=${v}`,
            body: bodyFor(t),
          })),
        ),
    );
    expect(found.slice(0, 10)).toEqual([]);
    expect(all.map((t) => `${t.method} ${t.url}`).filter((r) => !seen.has(r))).toEqual([]);
  }, 300_000);
});
