import { type HttpClient, HttpFailure, type HttpResponse } from '@podpilot/common/node';
import { HttpError } from '../../lib/http-error.js';
import { OUTBOUND_REFUSED, outboundRefusal } from '../../lib/outbound-guard.js';
import { type ModelSites, refusalAdvice } from './model-sites.js';

const SHA256 = /^[0-9a-f]{64}$/;

/** The 400 for a model URL (or a site's API) the outbound guard refused: one answer, whatever the port. */
export const refusedModelUrl = () =>
  new HttpError(400, 'invalid_request', `url: ${OUTBOUND_REFUSED}`, [
    { path: 'body.url', message: OUTBOUND_REFUSED },
  ]);

/** What a HEAD of a model URL tells without downloading it; each field null when the site does not say. */
export interface ProbedUrl {
  sha256: string | null;
  sizeBytes: number | null;
  fileName: string | null;
}

/**
 * Asks a model site about a file without downloading it. Hugging Face answers a `resolve` URL with a redirect
 * whose `X-Linked-Etag` is the LFS sha256 and `X-Linked-Size` the size; other sites may send an ETag that is
 * a sha256, a Content-Length and a Content-Disposition naming the file. Redirects are not followed (the first
 * answer carries the headers, and no credential can follow a redirect to another host); the site's own
 * credential is sent (ModelSites). Throws 400 naming the secret to set when the site refuses (401/403), and
 * refusedModelUrl when the outbound guard refuses the address; other failures yield nulls.
 */
export async function probeModelUrl(sites: ModelSites, http: HttpClient, url: string): Promise<ProbedUrl> {
  const headers = await sites.headersFor(url);
  const res = await http
    .request({ method: 'HEAD', url, headers, redirect: 'manual' })
    .catch((error: unknown): HttpResponse | null => {
      if (outboundRefusal(error)) throw refusedModelUrl();
      if (!(error instanceof HttpFailure)) return null;
      const status = error.status;
      if (status === 401 || status === 403) {
        const message = refusalAdvice(sites, url, status);
        throw new HttpError(400, 'invalid_request', `url: ${message}`, [{ path: 'body.url', message }]);
      }
      return error.response; // another error status still carries headers worth reading
    });
  if (!res) return { sha256: null, sizeBytes: null, fileName: null };
  return {
    sha256: sha256Of(res.headers),
    sizeBytes: sizeOf(res.headers),
    fileName: fileNameFromDisposition(res.headers.get('content-disposition')),
  };
}

function sha256Of(headers: Headers): string | null {
  for (const name of ['x-linked-etag', 'etag']) {
    const value = headers.get(name)?.replace(/^W\//, '').replaceAll('"', '').toLowerCase();
    if (value && SHA256.test(value)) return value;
  }
  return null;
}

function sizeOf(headers: Headers): number | null {
  const value = headers.get('x-linked-size') ?? null;
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

/**
 * The file name a Content-Disposition header gives (`filename*=UTF-8''…` preferred over `filename="…"`),
 * reduced to its last path segment; null when absent or not a usable file name.
 */
export function fileNameFromDisposition(header: string | null | undefined): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)?.[1];
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  let name: string | undefined;
  try {
    name = extended ? decodeURIComponent(extended.trim()) : undefined;
  } catch {
    name = undefined;
  }
  name ??= plain ? (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]?.trim()) : undefined;
  const last = name?.split(/[/\\]/).pop()?.trim();
  return last && last !== '.' && last !== '..' && !/\p{Cc}/u.test(last) && last.length <= 255 ? last : null;
}
