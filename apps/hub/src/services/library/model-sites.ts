import {
  hostOfModelHostSecret,
  type ModelSourceCredential,
  modelHostSecretName,
  parseHeaderSecret,
} from '@podpilot/common';

/** Reads a stored secret (SecretsService.reveal): the plaintext, or null when unset. */
export interface SecretReader {
  reveal(name: string): Promise<string | null>;
}

/** Where the model sites live; tests point them at fakes. */
export interface ModelSiteUrls {
  /** Default `https://huggingface.co` (PODPILOT_HUGGINGFACE_URL). */
  huggingfaceUrl?: string | undefined;
  /** Default `https://civitai.com` (PODPILOT_CIVITAI_URL). */
  civitaiUrl?: string | undefined;
}

export const DEFAULT_HUGGINGFACE_URL = 'https://huggingface.co';
export const DEFAULT_CIVITAI_URL = 'https://civitai.com';

export type ModelSite = 'huggingface' | 'civitai' | 'host';

/** The site a URL belongs to and the secret that authenticates requests to its origin. */
export interface SiteOfUrl {
  site: ModelSite;
  origin: string;
  secret: string;
}

/**
 * Which credential goes with which model URL. A token goes only to its own origin: Hugging Face's and
 * Civitai's as configured (https by default), a `model-host.<host>.header` only to `https://<host>`.
 * Stateless apart from the secrets it reads: safe to share.
 */
export class ModelSites {
  readonly huggingface: URL;
  readonly civitai: URL;

  constructor(
    private readonly secrets: SecretReader | undefined,
    urls: ModelSiteUrls = {},
  ) {
    this.huggingface = new URL(urls.huggingfaceUrl ?? DEFAULT_HUGGINGFACE_URL);
    this.civitai = new URL(urls.civitaiUrl ?? DEFAULT_CIVITAI_URL);
  }

  /** The site of `url` and its secret, or null for a URL no credential may ever go to (plain http elsewhere). */
  siteOf(url: string | URL): SiteOfUrl | null {
    const u = new URL(url);
    if (u.origin === this.huggingface.origin)
      return { site: 'huggingface', origin: u.origin, secret: 'huggingface.token' };
    if (u.origin === this.civitai.origin)
      return { site: 'civitai', origin: u.origin, secret: 'civitai.token' };
    if (u.protocol !== 'https:') return null;
    const secret = modelHostSecretName(u.host);
    return hostOfModelHostSecret(secret) ? { site: 'host', origin: u.origin, secret } : null;
  }

  /**
   * The credential for `url`'s origin: header and value when its secret is set, else only the secret's name
   * (so a refusal can name it). Null when no credential may go there. Throws when a secret cannot be read.
   */
  async credentialFor(url: string | URL): Promise<ModelSourceCredential | null> {
    const site = this.siteOf(url);
    if (!site) return null;
    const { origin, secret } = site;
    const stored = (await this.secrets?.reveal(secret)) ?? null;
    if (stored === null) return { origin, secret };
    if (site.site !== 'host') return { origin, secret, header: 'Authorization', value: `Bearer ${stored}` };
    const header = parseHeaderSecret(stored);
    // Refused at `secrets set`; a value stored before that check is ignored rather than sent malformed.
    return 'problem' in header
      ? { origin, secret }
      : { origin, secret, header: header.name, value: header.value };
  }

  /** One credential per origin of `urls` (see credentialFor), in the order first met. */
  async credentialsFor(urls: Iterable<string>): Promise<ModelSourceCredential[]> {
    const byOrigin = new Map<string, ModelSourceCredential>();
    for (const url of urls) {
      if (!URL.canParse(url)) continue;
      const origin = new URL(url).origin;
      if (byOrigin.has(origin)) continue;
      const credential = await this.credentialFor(url);
      if (credential) byOrigin.set(origin, credential);
    }
    return [...byOrigin.values()];
  }

  /** Request headers for the hub's own call to `url` (empty without a stored secret for its origin). */
  async headersFor(url: string | URL): Promise<Record<string, string>> {
    const credential = await this.credentialFor(url);
    return credential?.header && credential.value ? { [credential.header]: credential.value } : {};
  }

  /** The page where a gated Hugging Face model's licence is accepted: `<origin>/<org>/<repo>`, else null. */
  licencePage(url: string | URL): string | null {
    const u = new URL(url);
    if (u.origin !== this.huggingface.origin) return null;
    const [org, repo] = u.pathname.split('/').filter(Boolean);
    return org && repo ? `${this.huggingface.origin}/${org}/${repo}` : null;
  }
}

/**
 * What to tell the owner when a site refuses a model URL (401/403): the secret to set and, for Hugging Face,
 * the page where the licence is accepted.
 */
export function refusalAdvice(sites: ModelSites, url: string, status: number): string {
  const site = sites.siteOf(url);
  const setIt = site ? `; set it with: podpilot secrets set ${site.secret}` : '';
  const licence = sites.licencePage(url);
  const accept = licence ? `, and accept the model's licence at ${licence} with that account` : '';
  return `the site refused with HTTP ${status} (gated, private or a token without access)${setIt}${accept}`;
}
