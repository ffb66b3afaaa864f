import type { IncomingMessage } from 'node:http';

/** The proxy's own cookie: never forwarded to the WebUI. */
export const SESSION_COOKIE = 'podpilot_webui';

/** The session id the request's cookies carry, and its other cookies (what goes on to the WebUI). */
export function splitCookies(req: IncomingMessage): { session: string | null; others: string | null } {
  let session: string | null = null;
  const others: string[] = [];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const cookie = part.trim();
    if (!cookie) continue;
    if (cookie.startsWith(`${SESSION_COOKIE}=`)) session = cookie.slice(SESSION_COOKIE.length + 1);
    else others.push(cookie);
  }
  return { session, others: others.length ? others.join('; ') : null };
}

/**
 * The Set-Cookie of a new session: HttpOnly (no script reads it), SameSite=Lax (no other site's page sends
 * it along), whole site, `Secure` when the provider's proxy says the browser came over HTTPS.
 */
export function sessionCookieHeader(req: IncomingMessage, session: string, maxAgeSeconds: number): string {
  const secure = req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAgeSeconds}${secure}`;
}
