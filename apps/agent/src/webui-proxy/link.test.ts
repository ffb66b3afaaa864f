import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkLink } from './link.js';
import { testLink } from './test-links.js';

const key = randomBytes(32);
const id = '6f1c1d0e-0000-4000-8000-000000000001';
const now = 1_800_000_000;

describe('checkLink', () => {
  it('accepts a link signed with the key for this instance before it expires', () => {
    const check = checkLink(testLink(key, { i: id, n: 'n'.repeat(22), e: now + 60 }), key, id, now);
    expect(check).toEqual({ ok: true, claims: { i: id, n: 'n'.repeat(22), e: now + 60 } });
  });

  it('refuses a link signed with another key, or with its payload changed', () => {
    expect(checkLink(testLink(randomBytes(32), { i: id, e: now + 60 }), key, id, now)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
    const [, signature] = testLink(key, { i: id, e: now + 60 }).split('.');
    const longer = Buffer.from(JSON.stringify({ i: id, n: 'n'.repeat(22), e: now + 3600 })).toString(
      'base64url',
    );
    expect(checkLink(`${longer}.${signature}`, key, id, now)).toMatchObject({
      ok: false,
      reason: 'bad signature',
    });
  });

  it('refuses an expired link, and one that claims to live longer than a link may', () => {
    expect(checkLink(testLink(key, { i: id, e: now - 1 }), key, id, now)).toMatchObject({
      reason: 'expired',
    });
    expect(checkLink(testLink(key, { i: id, e: now + 3600 }), key, id, now)).toMatchObject({
      reason: 'lives too long',
    });
  });

  it("refuses another instance's link", () => {
    const other = '6f1c1d0e-0000-4000-8000-000000000002';
    expect(checkLink(testLink(key, { i: other, e: now + 60 }), key, id, now)).toMatchObject({
      reason: 'another instance',
    });
  });

  it('refuses malformed links without throwing', () => {
    for (const link of ['', 'abc', 'a.b.c', '.', `${'a'.repeat(2000)}.b`]) {
      expect(checkLink(link, key, id, now).ok).toBe(false);
    }
    // Signed but not our claims: the signature is right, the payload is not a link.
    const payload = Buffer.from('{"i":1}').toString('base64url');
    const signed = `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
    expect(checkLink(signed, key, id, now)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
