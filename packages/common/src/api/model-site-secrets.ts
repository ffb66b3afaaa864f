import * as z from 'zod';

/**
 * Credentials for model sites (docs/model-sources.md): the Hugging Face and Civitai tokens, and one request
 * header per other host (`model-host.<host>.header`, value `Name: value`). The hub keeps them with the other
 * secrets and hands each agent only those for the hosts its profile's model URLs use.
 */
export const MODEL_SITE_SECRETS = ['huggingface.token', 'civitai.token'] as const;
export type ModelSiteSecret = (typeof MODEL_SITE_SECRETS)[number];

/** A DNS name or IPv4 address in lowercase, with an optional port (`models.example.com`, `10.0.0.5:8443`). */
const HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/;
const MODEL_HOST_NAME = /^model-host\.(.+)\.header$/;

/** The secret that holds the header for `host` (lowercase host, port only when not 443). */
export const modelHostSecretName = (host: string) => `model-host.${host.toLowerCase()}.header`;

/** The host of a `model-host.<host>.header` name, or null for any other name. */
export function hostOfModelHostSecret(name: string): string | null {
  const host = MODEL_HOST_NAME.exec(name)?.[1];
  return host && host.length <= 259 && HOST.test(host) ? host : null;
}

/** `model-host.<host>.header`: a request header sent only to `https://<host>`. */
export const ModelHostSecretName = z.string().refine((name) => hostOfModelHostSecret(name) !== null, {
  message: 'expected model-host.<host>.header, with <host> a lowercase host name (e.g. models.example.com)',
});

/** Header names the download sets itself or that belong to the connection: never taken from a secret. */
const RESERVED_HEADERS = new Set([
  'host',
  'range',
  'if-range',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-connection',
]);
/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Visible ASCII, spaces and tabs inside: no line breaks (which would let a value add headers). */
const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?$/;

/**
 * Reads the value of a `model-host.<host>.header` secret (`Name: value`). Returns the header, or a message
 * saying what is wrong with it (the message never repeats the value).
 */
export function parseHeaderSecret(value: string): { name: string; value: string } | { problem: string } {
  const colon = value.indexOf(':');
  if (colon <= 0) return { problem: 'expected "Name: value", e.g. "Authorization: Bearer …"' };
  const name = value.slice(0, colon).trim();
  const headerValue = value.slice(colon + 1).trim();
  if (!HEADER_NAME.test(name)) return { problem: 'the header name may hold only letters, digits and -' };
  if (RESERVED_HEADERS.has(name.toLowerCase()))
    return { problem: `the ${name} header is set by the download itself; choose another header` };
  if (!HEADER_VALUE.test(headerValue))
    return { problem: 'the header value must be printable ASCII on one line (no line breaks)' };
  return { name, value: headerValue };
}

/**
 * What is wrong with the value of a model-site secret (`huggingface.token`, `civitai.token`,
 * `model-host.<host>.header`), or null when it is fine or `name` is no model-site secret.
 * Messages never repeat the value.
 */
export function modelSiteSecretProblem(name: string, value: string): string | null {
  if (hostOfModelHostSecret(name)) {
    const parsed = parseHeaderSecret(value);
    return 'problem' in parsed ? parsed.problem : null;
  }
  if (!(MODEL_SITE_SECRETS as readonly string[]).includes(name)) return null;
  if (/^bearer\s/i.test(value)) return 'expected the token alone, without "Bearer "';
  if (!/^[\x21-\x7e]+$/.test(value)) return 'expected the token alone (no spaces or line breaks)';
  return null;
}
