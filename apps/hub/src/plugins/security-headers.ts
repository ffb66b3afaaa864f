import type { FastifyInstance } from 'fastify';

export interface SecurityHeadersOptions {
  /**
   * Origins (`https://host[:port]`) besides the hub's own that the web app loads images from and sends
   * requests to: the object storage's, when it is S3/R2 (thumbnails and presigned downloads are `<img>`s
   * there; uploads `PUT` there). Local storage is served by the hub itself and needs none.
   */
  storageOrigins?: readonly string[];
}

/** `https://host[:port]` of a URL; throws on anything else, so a typo cannot widen the policy. */
function originOf(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`storage origin: expected an http(s) URL, got ${JSON.stringify(value)}`);
  return url.origin;
}

/** The `Content-Security-Policy` of every answer: same-origin only, plus the storage origins for images and uploads. */
export function contentSecurityPolicy(options: SecurityHeadersOptions = {}): string {
  const storage = [...new Set((options.storageOrigins ?? []).map(originOf))];
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['img-src', "'self'", 'data:', 'blob:', ...storage],
    ['media-src', "'self'", 'blob:', ...storage],
    ['connect-src', "'self'", ...storage],
    ['object-src', "'none'"],
    ['frame-ancestors', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'self'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}

/**
 * Security headers on every answer (web app, API, agent API, storage URLs, errors, 404s). No CORS headers are
 * ever sent: the hub is same-origin only, so a browser refuses cross-origin reads of its answers.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeadersOptions = {}): void {
  const headers = {
    'content-security-policy': contentSecurityPolicy(options),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(headers);
    for (const name of Object.keys(reply.getHeaders()))
      if (name.toLowerCase().startsWith('access-control-')) reply.removeHeader(name);
    return payload;
  });
}
