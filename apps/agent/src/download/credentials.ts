import { type ModelSourceCredential, parseHeaderSecret } from '@podpilot/common';
import { redact } from '@podpilot/common/node';
import { DownloadError } from './errors.js';
import type { DownloadSource } from './types.js';

/** Plain http to a loopback address never leaves the machine (the hub's test fakes); anything else needs https. */
const isLoopback = (hostname: string) =>
  hostname === 'localhost' || /^127(?:\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';

/** The credential for exactly `url`'s origin (scheme, host and port), if the hub gave one. */
const credentialOf = (url: URL, credentials: readonly ModelSourceCredential[]) =>
  credentials.find((c) => c.origin === url.origin);

/**
 * The download source for a model's own URL with the model site's credential: its header is sent only when
 * the hub gave one for exactly this URL's origin, over https (or to a loopback address), and the download
 * engine never sends it across a redirect to another origin (probe.ts). Pure; never throws for a valid URL.
 */
export function sourceWithCredentials(
  url: string,
  credentials: readonly ModelSourceCredential[] = [],
): DownloadSource {
  const u = new URL(url);
  const credential = credentialOf(u, credentials);
  if (!credential) return { url };
  const advice = { secret: credential.secret, licencePage: licencePageOf(u, credential.secret) };
  const secure = u.protocol === 'https:' || (u.protocol === 'http:' && isLoopback(u.hostname));
  if (!(secure && credential.header && credential.value)) return { url, refused: { ...advice, sent: false } };
  // The hub validated it when it was stored; a malformed header could add lines to a raw request.
  const header = parseHeaderSecret(`${credential.header}: ${credential.value}`);
  if ('problem' in header) return { url, refused: { ...advice, sent: false } };
  return { url, headers: { [header.name]: header.value }, refused: { ...advice, sent: true } };
}

/** A gated Hugging Face model's page (`<origin>/<org>/<repo>`), where its licence is accepted. */
function licencePageOf(url: URL, secret: string): string | undefined {
  if (secret !== 'huggingface.token') return undefined;
  const [org, repo] = url.pathname.split('/').filter(Boolean);
  return org && repo ? `${url.origin}/${org}/${repo}` : undefined;
}

/**
 * `error` made fit to report: every credential value of `source` masked in its message, and a 401/403 from
 * the source's own origin explained (the secret to set on the hub, the licence page to accept). Returns the
 * same error object, its message rewritten.
 */
export function explainDownloadFailure(error: unknown, source: DownloadSource): unknown {
  if (!(error instanceof Error)) return error;
  const values = Object.values(source.headers ?? {});
  const secrets = [...values, ...values.map((v) => v.replace(/^[A-Za-z]+\s+/, ''))];
  let message = redact(error.message, secrets);
  const status = error instanceof DownloadError ? error.status : undefined;
  const own =
    error instanceof DownloadError && error.url && new URL(error.url).origin === new URL(source.url).origin;
  if (source.refused && own && (status === 401 || status === 403)) {
    const { secret, licencePage, sent } = source.refused;
    const why = sent ? `the site refused the ${secret} the hub sent` : `no ${secret} is set on the hub`;
    const licence = licencePage ? `, and accept the model's licence at ${licencePage} with that account` : '';
    message += ` (${why}: set it with \`podpilot secrets set ${secret}\`${licence})`;
  }
  if (message !== error.message) error.message = message;
  return error;
}
