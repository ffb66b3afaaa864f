import type { AddModelRequest } from '@podpilot/common';
import { HttpClient } from '@podpilot/common/node';
import { HttpError } from '../../lib/http-error.js';
import { OutboundGuard } from '../../lib/outbound-guard.js';
import { civitaiRef, resolveCivitai } from './civitai.js';
import type { ModelSites, ModelSiteUrls } from './model-sites.js';
import { probeModelUrl } from './url-probe.js';

/** Outbound calls to model sites get this long each (answer included). */
export const MODEL_SITE_TIMEOUT_MS = 15_000;

/** What `models add` stores about a URL. */
export interface ResolvedModelSource {
  sha256: string;
  sizeBytes: number | null;
  fileName: string | null;
  /** Where agents fetch the bytes: the URL given, or the file's download URL for a Civitai page. */
  sourceUrl: string;
}

export interface ModelSourceResolverOptions extends ModelSiteUrls {
  /** Replaces the sha256 lookup of non-Civitai URLs (tests). */
  resolveSha256?: ((url: string) => Promise<string | null>) | undefined;
  timeoutMs?: number | undefined;
  /**
   * `PODPILOT_OUTBOUND_ALLOW`: private hosts, addresses and ranges the hub may ask although they are not
   * public. The model sites' base URLs, when configured, are let through as well (the owner set them).
   */
  outboundAllow?: readonly string[] | undefined;
}

/** A `%` not followed by two hex digits, with what follows it (for the message). */
const MALFORMED_ESCAPE = /%(?![0-9a-f]{2}).{0,2}/i;

const sha256Missing = (why: string) =>
  new HttpError(400, 'invalid_request', `sha256: ${why}; pass it explicitly`, [
    { path: 'body.sha256', message: `${why}; pass it explicitly` },
  ]);

/**
 * Turns a model URL into what the library stores: Civitai model/version URLs through Civitai's API (name,
 * size, sha256, download URL); other URLs through a HEAD (Hugging Face's LFS sha256 and size, a
 * Content-Disposition file name). Every call goes through one HttpClient with a timeout, whose connections
 * go through the OutboundGuard: only to public addresses, or those the allowlist or configuration names.
 */
export class ModelSourceResolver {
  private readonly http: HttpClient;
  private readonly guard: OutboundGuard;

  constructor(
    private readonly sites: ModelSites,
    private readonly options: ModelSourceResolverOptions = {},
  ) {
    this.guard = new OutboundGuard({
      allow: options.outboundAllow,
      exemptOrigins: [options.huggingfaceUrl, options.civitaiUrl],
    });
    this.http = new HttpClient({
      timeoutMs: options.timeoutMs ?? MODEL_SITE_TIMEOUT_MS,
      fetch: this.guard.fetch,
    });
  }

  /**
   * Resolves `req.url`; an explicit `sha256` or `fileName` wins over what the site says, except that a
   * Civitai sha256 that differs from the given one is refused. Throws 400 naming the field at fault: a
   * malformed %-escape in the URL, an address that is not public (asked only when a site must be asked).
   */
  async resolve(req: AddModelRequest): Promise<ResolvedModelSource> {
    const malformed = MALFORMED_ESCAPE.exec(req.url)?.[0];
    if (malformed !== undefined) {
      const message = `expected every % to start an escape of two hex digits (%20), got "${malformed}"`;
      throw new HttpError(400, 'invalid_request', `url: ${message}`, [{ path: 'body.url', message }]);
    }
    const civitai = civitaiRef(this.sites, req.url);
    if (civitai) {
      const file = await resolveCivitai(this.sites, this.http, req.url, civitai);
      if (req.sha256 && req.sha256 !== file.sha256)
        throw new HttpError(
          400,
          'invalid_request',
          `sha256: Civitai publishes ${file.sha256} for ${file.fileName}, not ${req.sha256}`,
        );
      return {
        sha256: file.sha256,
        sizeBytes: file.sizeBytes,
        fileName: req.fileName ?? file.fileName,
        sourceUrl: file.downloadUrl,
      };
    }
    // With the sha256 given, the site is asked only when the URL names no file (a Content-Disposition may).
    const named = req.fileName ?? fileNameOf(req.url);
    if (req.sha256 && named)
      return { sha256: req.sha256, sizeBytes: null, fileName: named, sourceUrl: req.url };
    const probed = this.options.resolveSha256
      ? {
          sha256: await this.options.resolveSha256(req.url).catch(() => null),
          sizeBytes: null,
          fileName: null,
        }
      : await probeModelUrl(this.sites, this.http, req.url).catch((error: unknown) => {
          // With the sha256 given, the probe only looks for a file name: a refusal is no reason to fail.
          if (req.sha256) return { sha256: null, sizeBytes: null, fileName: null };
          throw error;
        });
    const sha256 = req.sha256 ?? probed.sha256;
    if (!sha256) throw sha256Missing("the site does not publish this file's sha256");
    return {
      sha256,
      sizeBytes: probed.sizeBytes,
      fileName: req.fileName ?? probed.fileName ?? fileNameOf(req.url),
      sourceUrl: req.url,
    };
  }
}

/** The last path segment of a URL, when it looks like a file name. */
export function fileNameOf(url: string): string | null {
  let last: string;
  try {
    last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return null;
  }
  return /^[^/\\\0]{1,255}$/.test(last) && last !== '.' && last !== '..' ? last : null;
}
