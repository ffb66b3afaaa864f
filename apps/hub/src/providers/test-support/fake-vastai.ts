/**
 * A fake of Vast.ai's REST API (shared/provider-apis.md), field for field, on one origin: under `/api/v0`
 * offer search with the filter language, renting an ask, instances that load then run on the fake's clock,
 * stop/start, destroy; the retired v0 list answering 410; under `/api/v1` the instance list, paged by 25
 * (fake-vastai-list.ts). A wrong key is answered 404 with `auth_error`, as Vast does. Test code only.
 */
import { isRecord } from '../json.js';
import type { VastInstanceJson, VastOfferJson } from '../vastai/vastai-api.js';
import { type FakeReply, type FakeRequest, type FakeRoute, FakeServer } from './fake-server.js';
import { type Held, heldInstance, parseEnv, viewHeld } from './fake-vastai-held.js';
import { FakeVastPager, VAST_V0_LIST_GONE } from './fake-vastai-list.js';
import {
  DEFAULT_VAST_OFFERS,
  type FakeVastOffer,
  fakeVastOffer,
  searchVastOffers,
} from './fake-vastai-offers.js';

/** `list` is the v1 list (`GET /api/v1/instances/`); `list-v0` the retired one. */
export type VastRoute =
  | 'search'
  | 'launch'
  | 'list'
  | 'list-v0'
  | 'get'
  | 'stop'
  | 'start'
  | 'label'
  | 'destroy';

export interface FakeVastAiOptions {
  apiKey?: string;
  /** Replaces the default offers; each is completed with plausible values. */
  offers?: (Partial<FakeVastOffer> & Pick<VastOfferJson, 'id'>)[];
  /** Time from create/start to `running` (first half `null`, then `loading`). Default 0. */
  startDelayMs?: number;
  now?: () => number;
}

export const FAKE_VAST_KEY = 'vast-test-key';

export class FakeVastAi extends FakeServer<VastRoute> {
  private readonly offerTable: FakeVastOffer[];
  private readonly held = new Map<string, Held>();
  private readonly startDelayMs: number;
  private readonly now: () => number;
  private readonly pager: FakeVastPager;
  private nextId = 20_001;

  constructor(options: FakeVastAiOptions = {}) {
    const fail = (status: number, msg: string) => ({ success: false, error: errorCode(status), msg });
    super({
      apiKey: options.apiKey ?? FAKE_VAST_KEY,
      queryKey: true,
      errorBody: fail,
      unauthorizedStatus: 404,
      unauthorizedMessage: 'Invalid user key',
    });
    this.offerTable = (options.offers ?? DEFAULT_VAST_OFFERS).map(fakeVastOffer);
    this.startDelayMs = options.startDelayMs ?? 0;
    this.now = options.now ?? Date.now;
    this.pager = new FakeVastPager(() => this.now());
  }

  /** The adapter's base URL (v0; the v1 list lives beside it, `…/api/v1`). */
  get baseUrl(): string {
    return `${this.url}/api/v0`;
  }

  /** Live instances as the list shows them, by id. */
  instances(): VastInstanceJson[] {
    return [...this.held.values()].filter((h) => !h.destroyed).map((h) => this.view(h));
  }

  offers(): FakeVastOffer[] {
    return this.offerTable.map((offer) => ({ ...offer }));
  }

  /**
   * An instance rented outside this run (by hand, another tool, an earlier hub): `running` at once, on no
   * offer of the table. Returns its id.
   */
  addInstance(label: string | null): string {
    const id = this.nextId++;
    const now = this.now();
    const fields = { id, label, image: 'someone/else:latest', env: {}, offer: null, now };
    this.held.set(String(id), heldInstance({ ...fields, since: now - this.startDelayMs }));
    return String(id);
  }

  /** Every `next_token` handed out so far is refused from now on (expired). */
  expireListTokens(): void {
    this.pager.expireTokens();
  }

  /** Someone else rents the offer: renting it answers `no_such_ask`. */
  takeOffer(offerId: number | string): void {
    const offer = this.offerTable.find((o) => o.id === Number(offerId));
    if (offer) offer.rented = true;
  }

  /**
   * The instance stays in `actual_status` until `release` (`loading`, `exited`, `unknown`, `offline`), with
   * `statusMessage` as its `status_msg` when given (e.g. an image pull's progress; else the fake's own).
   */
  stuck(id: string, status: 'loading' | 'exited' | 'unknown' | 'offline', statusMessage?: string): void {
    const held = this.must(id);
    held.stuck = status;
    held.statusMsg = statusMessage ?? null;
  }

  /** Ends `stuck`: the instance goes on as its clock says (running once its start delay has passed). */
  release(id: string): void {
    const held = this.must(id);
    held.stuck = null;
    held.statusMsg = null;
  }

  /** Its container exited on its own: `exited` (intended still `running`) until it is stopped or started. */
  containerExited(id: string): void {
    this.must(id).exited = true;
  }

  /** The machine's GPU is rented by someone else: starting the instance is refused. */
  takeGpu(id: string): void {
    this.must(id).gpuTaken = true;
  }

  /** After DELETE, the next `reads` GETs of this id still show it. */
  lingerAfterDestroy(id: string, reads = 1): void {
    this.must(id).linger = reads;
  }

  protected routes(): FakeRoute<VastRoute>[] {
    const state = (s: string) => (body: unknown) => isRecord(body) && body.state === s;
    const one = /^\/api\/v0\/instances\/(?<id>[^/]+)\/$/;
    return [
      {
        name: 'search',
        method: 'POST',
        path: /^\/api\/v0\/bundles\/$/,
        handle: (r) => searchVastOffers(this.offerTable, r.body),
      },
      { name: 'search', method: 'GET', path: /^\/api\/v0\/bundles\/$/, handle: (r) => this.searchQuery(r) },
      {
        name: 'launch',
        method: 'PUT',
        path: /^\/api\/v0\/asks\/(?<id>[^/]+)\/$/,
        handle: (r) => this.launch(r),
      },
      { name: 'list-v0', method: 'GET', path: /^\/api\/v0\/instances\/$/, handle: () => VAST_V0_LIST_GONE },
      {
        name: 'list',
        method: 'GET',
        path: /^\/api\/v1\/instances\/$/,
        handle: (r) => this.pager.page(this.instances(), r.url.searchParams),
      },
      { name: 'get', method: 'GET', path: one, handle: (r) => this.get(r.params.id ?? '') },
      {
        name: 'stop',
        method: 'PUT',
        path: one,
        when: state('stopped'),
        handle: (r) => this.setState(r, 'stopped'),
      },
      {
        name: 'start',
        method: 'PUT',
        path: one,
        when: state('running'),
        handle: (r) => this.setState(r, 'running'),
      },
      { name: 'label', method: 'PUT', path: one, handle: (r) => this.label(r) },
      { name: 'destroy', method: 'DELETE', path: one, handle: (r) => this.destroy(r.params.id ?? '') },
    ];
  }

  private searchQuery(request: FakeRequest): FakeReply {
    try {
      return searchVastOffers(this.offerTable, JSON.parse(request.url.searchParams.get('q') ?? '{}'));
    } catch {
      return refuse(400, 'invalid_args', 'q must be JSON');
    }
  }

  private launch({ params, body }: FakeRequest): FakeReply {
    const offer = this.offerTable.find((o) => String(o.id) === params.id);
    if (!offer?.rentable || offer.rented) {
      return refuse(404, 'no_such_ask', `Instance type by id ${params.id} is not available.`);
    }
    const b = isRecord(body) ? body : {};
    const env = parseEnv(b.env);
    if (typeof b.image !== 'string' || b.image === '')
      return refuse(400, 'invalid_args', 'image is required');
    if (b.disk !== undefined && typeof b.disk !== 'number')
      return refuse(400, 'invalid_args', 'disk must be a number');
    if (env === null) return refuse(400, 'invalid_args', 'env must be an object or a string');
    if (typeof b.onstart === 'string' && b.onstart.length > 4048)
      return refuse(400, 'invalid_args', 'onstart too long');
    const id = this.nextId++;
    offer.rented = true;
    const label = typeof b.label === 'string' ? b.label : null;
    const now = this.now();
    this.held.set(
      String(id),
      heldInstance({
        id,
        label,
        image: b.image,
        env,
        offer,
        now,
        since: now,
        disk: b.disk as number | undefined,
      }),
    );
    return { status: 200, body: { success: true, new_contract: id } };
  }

  private get(id: string): FakeReply {
    const held = this.held.get(id);
    if (!held) return refuse(404, 'no_such_instance', `Instance ${id} not found.`);
    if (held.destroyed && --held.linger <= 0) this.held.delete(id);
    return { status: 200, body: { instances: this.view(held) } };
  }

  private setState({ params }: FakeRequest, state: 'running' | 'stopped'): FakeReply {
    const held = this.held.get(params.id ?? '');
    if (!held || held.destroyed) return refuse(404, 'no_such_instance', `Instance ${params.id} not found.`);
    if (state === 'running' && (held.intended === 'stopped' || held.exited)) {
      if (held.gpuTaken) {
        return refuse(200, 'resources_unavailable', 'Required resources are unavailable: the GPU is rented.');
      }
      held.since = this.now();
    }
    held.intended = state;
    held.exited = false;
    return { status: 200, body: { success: true } };
  }

  private label({ params, body }: FakeRequest): FakeReply {
    const held = this.held.get(params.id ?? '');
    if (!held || held.destroyed) return refuse(404, 'no_such_instance', `Instance ${params.id} not found.`);
    if (!isRecord(body) || typeof body.label !== 'string')
      return refuse(400, 'invalid_args', 'state or label');
    held.json.label = body.label;
    return { status: 200, body: { success: true } };
  }

  private destroy(id: string): FakeReply {
    const held = this.held.get(id);
    if (!held || held.destroyed) return refuse(404, 'no_such_instance', `Instance ${id} not found.`);
    const offer = this.offerTable.find((o) => o.id === held.offerId);
    if (offer) offer.rented = false;
    held.destroyed = true;
    if (held.linger <= 0) this.held.delete(id);
    return { status: 200, body: { success: true } };
  }

  private view(held: Held): VastInstanceJson {
    return viewHeld(held, this.now(), this.startDelayMs);
  }

  private must(id: string): Held {
    const held = this.held.get(id);
    if (!held) throw new Error(`fake vast.ai: no instance ${id}`);
    return held;
  }
}

function errorCode(status: number): string {
  if (status === 401 || status === 403) return 'auth_error';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server_error' : 'invalid_args';
}

const refuse = (status: number, error: string, msg: string): FakeReply => ({
  status,
  body: { success: false, error, msg },
});

/** A listening fake; `close()` it when done. */
export async function startFakeVastAi(options: FakeVastAiOptions = {}): Promise<FakeVastAi> {
  const fake = new FakeVastAi(options);
  await fake.listen();
  return fake;
}
