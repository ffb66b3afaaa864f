import { AuthError, NoCapacityError, NotYetTerminatedError, ProviderError } from '../errors.js';
import { isRecord } from '../json.js';
import {
  type LaunchSpec,
  labelFor,
  mostAlive,
  type Offer,
  type OfferRequirements,
  type ProviderInstance,
  type StoppableProvider,
} from '../provider.js';
import {
  type HttpAnswer,
  type Interpret,
  type ProviderConnectionOptions,
  ProviderHttp,
} from '../provider-http.js';
import {
  type VastFilter,
  vastDescribe,
  vastEnv,
  vastInstance,
  vastOffer,
  vastSearchBody,
} from './vastai-api.js';
import { VAST_MAX_LIST_PAGES, vastListPage, vastListUrl, vastRetired, vastV1BaseUrl } from './vastai-list.js';

export const VAST_BASE_URL = 'https://console.vast.ai/api/v0';

/**
 * How Vast starts the container. `args` (the default) runs the image's own ENTRYPOINT/CMD, which in our
 * images is the PodPilot agent, so the container's life is the agent's; Vast adds no SSH daemon (the
 * owner reaches the WebUI over Tailscale). `ssh_direc ssh_proxy` / `jupyter_direc ssh_direc ssh_proxy`
 * replace the entrypoint with Vast's launcher: then `onstart` must start the agent.
 */
export type VastRuntype =
  | 'args'
  | 'ssh_direc ssh_proxy'
  | 'jupyter_direc ssh_direc ssh_proxy'
  | 'ssh'
  | 'jupyter';

/**
 * `baseUrl` defaults to `https://console.vast.ai/api/v0` and must end in `/api/v0`: the instance list is read
 * from `/api/v1` beside it (`…/api/v0` → `…/api/v1`, see vastai-list.ts).
 */
export interface VastAiProviderOptions extends ProviderConnectionOptions {
  /** Default `args` (see VastRuntype). */
  runtype?: VastRuntype;
  /** Script run at start (≤ 4048 chars); only sent with an SSH/Jupyter runtype. */
  onstart?: string;
  /** Offers asked for when the requirements set no limit. Default 64. */
  searchLimit?: number;
  /** Pages of 25 `list()` reads at most before it throws rather than answer a partial list. Default 100. */
  maxListPages?: number;
}

/** Vast answers a taken or unknown offer with 404/410 (sometimes 400) and `no_such_ask`, or "not available". */
const OFFER_GONE = /no_such_ask|not available|unavailable|already rented|no longer/i;
/** …and a start whose machine's GPU was rented meanwhile with `success:false` naming the resources. */
const GPU_TAKEN = /unavailable|resources|not enough|occupied|rented|no_such_ask/i;
const refused = (answer: HttpAnswer) => isRecord(answer.body) && answer.body.success === false;
const ok = (answer: HttpAnswer) => answer.status >= 200 && answer.status < 300 && !refused(answer);
const notFound = (answer: HttpAnswer) =>
  answer.status === 404 || (isRecord(answer.body) && answer.body.error === 'no_such_instance');

/**
 * Vast.ai over REST (Bearer auth): v0, but the instance list on v1. Every method may throw AuthError,
 * RateLimitedError or ProviderUnavailableError; the API key is only ever sent in the Authorization header,
 * never logged.
 */
export class VastAiProvider implements StoppableProvider {
  readonly kind = 'vastai';
  private readonly http: ProviderHttp;
  private readonly runtype: VastRuntype;
  private readonly onstart: string | undefined;
  private readonly searchLimit: number;
  private readonly maxListPages: number;
  private readonly v1BaseUrl: string;

  /** Throws TypeError when `baseUrl` does not end in `/api/v0`. */
  constructor(options: VastAiProviderOptions) {
    this.runtype = options.runtype ?? 'args';
    this.onstart = options.onstart;
    this.searchLimit = options.searchLimit ?? 64;
    this.maxListPages = options.maxListPages ?? VAST_MAX_LIST_PAGES;
    const baseUrl = options.baseUrl ?? VAST_BASE_URL;
    this.v1BaseUrl = vastV1BaseUrl(baseUrl);
    this.http = new ProviderHttp({ ...options, provider: this.kind, baseUrl, describe: vastDescribe });
  }

  /**
   * `POST /bundles/` with the CLI's default filters plus the requirements (see `vastSearchBody` for units),
   * cheapest first; always with `allocated_storage` (the disk asked for, else a launch's default disk), so
   * each price includes that disk's storage. Read-only, safe to retry.
   */
  async searchOffers(requirements: OfferRequirements): Promise<Offer[]> {
    const answer = await this.call('POST', '/bundles/', vastSearchBody(requirements, this.searchLimit));
    if (!ok(answer)) throw this.http.unexpected(answer);
    if (!isRecord(answer.body) || !Array.isArray(answer.body.offers)) throw this.http.malformed(answer);
    const wanted = requirements.gpuName?.replace(/_/g, ' ').toLowerCase();
    return answer.body.offers
      .filter(isRecord)
      .map(vastOffer)
      .filter((offer) => wanted === undefined || offer.gpuName.toLowerCase() === wanted)
      .sort((a, b) => a.pricePerHour - b.pricePerHour)
      .slice(0, requirements.limit ?? this.searchLimit);
  }

  /**
   * `PUT /asks/{offer}/` labelled `podpilot-<instanceId>`; returns the new contract as `starting`.
   * Not idempotent (see ComputeProvider.launch). Throws NoCapacityError when the offer is taken or unknown;
   * ProviderUnavailableError when the answer was lost (the instance may exist: `findByPodpilotId`).
   */
  async launch(spec: LaunchSpec): Promise<ProviderInstance> {
    const body: Record<string, unknown> = {
      client_id: 'me',
      image: spec.image,
      label: labelFor(spec.instanceId),
      disk: spec.diskGb,
      runtype: this.runtype,
      env: vastEnv(spec),
    };
    if (this.onstart !== undefined && this.runtype !== 'args') body.onstart = this.onstart;
    const offerGone = (answer: HttpAnswer) =>
      answer.status === 404 ||
      answer.status === 410 ||
      ((answer.status === 400 || refused(answer)) && OFFER_GONE.test(answer.text))
        ? new NoCapacityError(
            this.kind,
            this.http.redact(`offer ${spec.offerId}: ${vastDescribe(answer.body, answer.text)}`),
          )
        : undefined;
    const answer = await this.call('PUT', `/asks/${encodeURIComponent(spec.offerId)}/`, body, offerGone);
    const id = isRecord(answer.body) ? answer.body.new_contract : undefined;
    if (!ok(answer)) throw this.http.unexpected(answer);
    if (typeof id !== 'number' && typeof id !== 'string') throw this.http.malformed(answer);
    return {
      id: String(id),
      podpilotId: spec.instanceId,
      status: 'starting',
      rawStatus: 'created',
      pricePerHour: null,
      gpuName: null,
      gpuCount: null,
      publicIp: null,
    };
  }

  /** `GET /instances/{id}/` (`{"instances": {…}}`, one object under the plural key); null when unknown. */
  async get(id: string): Promise<ProviderInstance | null> {
    const answer = await this.call('GET', `/instances/${encodeURIComponent(id)}/`);
    if (notFound(answer)) return null;
    if (!ok(answer)) throw this.http.unexpected(answer);
    if (!isRecord(answer.body)) throw this.http.malformed(answer);
    const found = answer.body.instances;
    // Documented as one object; tolerate a list (the list endpoint's shape) and null (not there).
    const raw = Array.isArray(found) ? found.find((item) => isRecord(item) && String(item.id) === id) : found;
    return isRecord(raw) && raw.id !== undefined ? vastInstance(raw) : null;
  }

  /**
   * `GET /api/v1/instances/`, page after page (`after_token` = the last `next_token`): every instance of the
   * account, by id. Throws ProviderError past `maxListPages` pages rather than answer a partial list.
   */
  async list(): Promise<ProviderInstance[]> {
    const rows: ProviderInstance[] = [];
    let token: string | null = null;
    for (let page = 0; page < this.maxListPages; page++) {
      const { instances, next } = await this.listPage({}, token);
      rows.push(...instances);
      if (next === null) return rows;
      token = next;
    }
    throw new ProviderError(
      this.kind,
      `the instance list goes on past ${this.maxListPages} pages (${rows.length} instances read): stopped paging there`,
    );
  }

  /**
   * The instance labelled `podpilot-<podpilotId>` (a running one first if, oddly, several), or null: one
   * `GET /api/v1/instances/` filtered on the label by Vast.
   */
  async findByPodpilotId(podpilotId: string): Promise<ProviderInstance | null> {
    const { instances } = await this.listPage({ label: { eq: labelFor(podpilotId) } }, null);
    const mine = instances.filter((instance) => instance.podpilotId === podpilotId);
    return mostAlive(mine);
  }

  /** `PUT /instances/{id}/ {"state":"stopped"}`. Idempotent. Throws ProviderError when Vast refuses or knows no such id. */
  async stop(id: string): Promise<void> {
    await this.setState(id, 'stopped');
  }

  /**
   * `PUT /instances/{id}/ {"state":"running"}`. Idempotent. Throws NoCapacityError when the machine's GPU
   * was rented meanwhile (the instance stays stopped: destroy it and launch elsewhere).
   */
  async start(id: string): Promise<void> {
    await this.setState(id, 'running');
  }

  /**
   * `DELETE /instances/{id}/`, then one `GET` to confirm. Idempotent: 404 / `no_such_instance` means already
   * gone. Throws NotYetTerminatedError when Vast accepted but still shows the instance (call again later).
   */
  async destroy(id: string): Promise<void> {
    const answer = await this.call('DELETE', `/instances/${encodeURIComponent(id)}/`);
    if (notFound(answer)) return;
    if (!ok(answer)) throw this.http.unexpected(answer);
    const still = await this.get(id);
    if (still) {
      throw new NotYetTerminatedError(
        this.kind,
        `instance ${id} still exists after destroy (${still.rawStatus})`,
      );
    }
  }

  /** One page of the v1 list. */
  private async listPage(
    filters: Record<string, VastFilter>,
    token: string | null,
  ): Promise<{ instances: ProviderInstance[]; next: string | null }> {
    const answer = await this.call('GET', vastListUrl(this.v1BaseUrl, filters, token));
    if (!ok(answer)) throw this.http.unexpected(answer);
    const page = vastListPage(answer.body);
    if (!page || (page.next !== null && page.next === token)) throw this.http.malformed(answer);
    return { instances: page.rows.map(vastInstance), next: page.next };
  }

  private async setState(id: string, state: 'running' | 'stopped'): Promise<void> {
    const answer = await this.call('PUT', `/instances/${encodeURIComponent(id)}/`, { state });
    if (ok(answer)) return;
    if (notFound(answer)) throw new ProviderError(this.kind, `instance ${id} not found`);
    if (state === 'running' && GPU_TAKEN.test(answer.text)) {
      throw new NoCapacityError(
        this.kind,
        this.http.redact(`instance ${id} cannot start: ${vastDescribe(answer.body, answer.text)}`),
      );
    }
    throw this.http.unexpected(answer);
  }

  /**
   * Every call: a wrong or revoked key comes back as 404 with `error: "auth_error"`, not 401; an endpoint
   * Vast retired answers 410 `deprecated_endpoint` (a ProviderError saying so, never "offer gone").
   */
  private call(method: string, path: string, body?: unknown, interpret?: Interpret): Promise<HttpAnswer> {
    const auth = (answer: HttpAnswer) =>
      isRecord(answer.body) && answer.body.error === 'auth_error'
        ? new AuthError(this.kind, this.http.explain(answer))
        : undefined;
    const retired = (answer: HttpAnswer) =>
      vastRetired(answer)
        ? new ProviderError(
            this.kind,
            `Vast.ai no longer serves this endpoint (${this.http.explain(answer)}); this PodPilot needs an update`,
          )
        : undefined;
    return this.http.request(
      method,
      path,
      body,
      (answer) => auth(answer) ?? retired(answer) ?? interpret?.(answer),
    );
  }
}
