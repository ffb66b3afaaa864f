import { createHash, randomBytes } from 'node:crypto';

/** A URL-safe random secret with 256 bits of entropy, optionally prefixed (`pp_…`). */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * Tokens are stored as their SHA-256: they carry 256 bits of entropy, so a slow hash adds nothing,
 * and lookup by hash stays an index hit. Passwords use argon2 instead (see services/auth.service.ts).
 */
export function sha256Hex(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex');
}
