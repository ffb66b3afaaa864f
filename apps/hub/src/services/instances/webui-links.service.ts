import { createHmac, randomBytes } from 'node:crypto';
import type { AnswerOf, endpoints, InstanceDetail, WebuiAccess } from '@podpilot/common';
import type { Queryable } from '../../db/db.js';
import { conflict } from '../../lib/http-error.js';
import { WebuiLinkKeys } from '../../repositories/webui-link-keys.repository.js';

type WebuiLinkResponse = AnswerOf<typeof endpoints.instances.webuiLink>;

/** How long a link works: long enough to open, too short to be worth stealing (and it works once). */
export const WEBUI_LINK_TTL_SECONDS = 60;
/** The agent proxy's path that trades a link for a session cookie. */
export const WEBUI_OPEN_PATH = '/_podpilot/open';

/** What the service needs of the way in to an instance's WebUI (InstanceDetail.access). */
export type LinkAccess = Pick<WebuiAccess, 'kind' | 'url'>;

/** What the service reads an instance through (InstancesService). */
export interface InstanceReader {
  /** Throws 404 for an unknown instance. */
  get(id: string): Promise<InstanceDetail>;
}

export interface WebuiLinksOptions {
  /** The clock (tests move it). */
  now?: () => number;
  /** The way in of an instance; by default its `access` field. */
  access?: (detail: InstanceDetail) => LinkAccess | null;
}

/** States in which the WebUI is up (or idling) and can be opened. */
const SERVING = new Set(['ready', 'idle']);

/** `payload.signature`, both base64url: the payload is JSON `{i, n, e}`, the HMAC is over its base64url text. */
export function signWebuiLink(key: Buffer, claims: { i: string; n: string; e: number }): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}

/**
 * Hands the owner the way into an instance's WebUI: for a public address, a one-time link signed with the
 * instance's key that its agent's proxy trades for a cookie; for a tailnet or local address, the address.
 */
export class WebuiLinks {
  private readonly keys: WebuiLinkKeys;
  private readonly now: () => number;
  private readonly access: NonNullable<WebuiLinksOptions['access']>;

  constructor(
    db: Queryable,
    private readonly instances: InstanceReader,
    options: WebuiLinksOptions = {},
  ) {
    this.keys = new WebuiLinkKeys(db);
    this.now = options.now ?? Date.now;
    this.access = options.access ?? ((detail) => detail.access);
  }

  /**
   * A link that opens the WebUI. Throws 404 for an unknown instance, 409 when it serves no WebUI, has no
   * address, or (public) no key yet. Each call mints a new link (not idempotent).
   */
  async open(instanceId: string): Promise<WebuiLinkResponse> {
    const detail = await this.instances.get(instanceId);
    if (!SERVING.has(detail.state))
      throw conflict(`the instance is ${detail.state}: its WebUI is not serving`);
    const access = this.access(detail);
    if (!access?.url) throw conflict('the instance has no address for its WebUI yet');
    if (access.kind !== 'public') return { url: access.url, expiresAt: null };
    const key = await this.keys.find(instanceId);
    if (!key)
      throw conflict('the instance has no WebUI link key (its agent registered before links existed)');
    const expires = Math.floor(this.now() / 1000) + WEBUI_LINK_TTL_SECONDS;
    const link = signWebuiLink(key, { i: instanceId, n: randomBytes(16).toString('base64url'), e: expires });
    const url = new URL(WEBUI_OPEN_PATH, access.url);
    url.searchParams.set('l', link);
    return { url: url.toString(), expiresAt: new Date(expires * 1000).toISOString() };
  }
}
