import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jsonValue,
  keysOf,
  plainParams,
  shaped,
  UNSHAPED,
  useRouteFuzz,
} from '../test-support/unicode-fuzz.js';

/** Bodies shaped like each route's schema, every string full-Unicode or hostile: no 5xx. */
describe("full-Unicode text in every route's body", () => {
  const { fuzz, instanceId } = useRouteFuzz('fuzz-unicode-bodies');

  it('bodies: every route that takes one, each field full-Unicode text, never a 5xx', async () => {
    const found = await fuzz(
      (t) => t.entry?.body !== undefined,
      (t) => {
        const fields = Object.fromEntries(keysOf(t.entry?.body).map((k) => [k, jsonValue]));
        const body = fc.oneof(
          { weight: 2, arbitrary: fc.record(fields, { requiredKeys: [] }) },
          { weight: 1, arbitrary: jsonValue },
          ...(UNSHAPED.has(`${t.method} ${t.url}`) ? [] : [{ weight: 4, arbitrary: shaped(t.entry?.body) }]),
        );
        return body.map((b) => ({ url: plainParams(t, instanceId()), body: b }));
      },
      100,
    );
    expect(found.slice(0, 10)).toEqual([]);
  }, 300_000);
});
