/**
 * Keeping credentials out of messages: every message the HTTP core produces (and the callers' own, through
 * `HttpClient.redact`) goes through `redact`, because an API may echo a key back in its error body.
 */

/** What stands in for a secret. */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not replaced literally (they would mask ordinary words). */
const MIN_SECRET_LENGTH = 4;

/** Shapes of credentials, masked even when the caller did not name the secret. Order matters: `Bearer tskey-…`. */
const PATTERNS: readonly [RegExp, string][] = [
  // An Authorization value echoed back (`Bearer …`).
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // Query or form values named like credentials: api_key=, token=, key=, client_secret=, X-Amz-Signature=…
  [
    /(^|[?&;,\s"'(])([\w.-]*(?:key|token|secret|signature|password|credential))=([^&\s"'#)]+)/gi,
    `$1$2=${REDACTED}`,
  ],
  // Tailscale auth keys, API tokens and OAuth client secrets.
  [/tskey-[A-Za-z0-9_-]+/g, `tskey-${REDACTED}`],
];

/** `text` with each of `secrets` (literally) and every credential-shaped string masked. */
export function redact(text: string, secrets: Iterable<string | null | undefined> = []): string {
  const literal = [...secrets]
    .filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length); // a longer secret containing a shorter one goes first
  let out = text;
  for (const secret of literal) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The secrets a request's headers carry: the Authorization value and its credential without the scheme. */
export function headerSecrets(headers: Record<string, string>): string[] {
  const value = headers.authorization?.trim();
  if (!value) return [];
  const credential = value.replace(/^[A-Za-z]+\s+/, '');
  return credential === value ? [value] : [value, credential];
}

/** A URL fit for messages and logs: no user info, and no query (Civitai carries `?token=` there). */
export function safeUrl(url: URL | string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
}
