import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

/** Longest link accepted: a real one is ~150 characters; anything far longer is not ours. */
const MAX_LINK_LENGTH = 1024;
/** Leeway for the hub's and the agent's clocks: a link may say it lives this much beyond its 60 s. */
export const CLOCK_SKEW_SECONDS = 60;
/** The hub signs links for at most this long (WEBUI_LINK_TTL_SECONDS there). */
const LINK_TTL_SECONDS = 60;

const Claims = z.object({
  /** The instance the link opens. */
  i: z.string().min(1).max(100),
  /** A random id, usable once. */
  n: z.string().min(16).max(100),
  /** Expiry, unix seconds. */
  e: z.number().int().positive(),
});
export type LinkClaims = z.infer<typeof Claims>;

export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: string };

/** The HMAC-SHA256 of a link's payload text, as the hub computes it. */
const signatureOf = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

/**
 * Checks a link `payload.signature` (both base64url; the payload is JSON `{i, n, e}`; the HMAC is over the
 * payload's base64url text): signature (compared in constant time), instance, and expiry at `nowSeconds`
 * (neither past, nor further ahead than a link's life plus clock skew). Whether the nonce was used is the
 * caller's (it keeps them). Never throws.
 */
export function checkLink(link: string, key: Buffer, instanceId: string, nowSeconds: number): LinkCheck {
  if (link.length > MAX_LINK_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = link.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed' };
  const [payload = '', signature = ''] = parts;
  // Compared as text: base64url has several spellings of one byte string (the last character's spare bits).
  const given = Buffer.from(signature);
  const expected = Buffer.from(signatureOf(key, payload).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad signature' };
  let claims: LinkClaims;
  try {
    claims = Claims.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.i !== instanceId) return { ok: false, reason: 'another instance' };
  if (claims.e < nowSeconds) return { ok: false, reason: 'expired' };
  if (claims.e > nowSeconds + LINK_TTL_SECONDS + CLOCK_SKEW_SECONDS)
    return { ok: false, reason: 'lives too long' };
  return { ok: true, claims };
}
