/**
 * A fake of Vast.ai's REST v0 (shared/provider-apis.md), field for field, under `/api/v0`: offer search with
 * the filter language, renting an ask, instances that load then run on the fake's clock, stop/start, destroy.
 * Test code only.
 */
import { isRecord } from '../json.js';
import type { VastInstanceJson, VastOfferJson } from '../vastai/vastai-api.js';
import { type FakeReply, type FakeRequest, type FakeRoute, FakeServer } from './fake-server.js';
import {
  DEFAULT_VAST_OFFERS,
  type FakeVastOffer,
  fakeVastOffer,
  searchVastOffers,
} from './fake-vastai-offers.js';

export type VastRoute = 'search' | 'launch' | 'list' | 'get' | 'stop' | 'start' | 'label' | 'destroy';

export interface FakeVastAiOptions {
  apiKey?: string;
  /** Replaces the default offers; each is completed with plausible values. */
  offers?: (Partial<FakeVastOffer> & Pick<VastOfferJson, 'id'>)[];
  /** Time from create/start to `running` (first half `null`, then `loading`). Default 0. */
  startDelayMs?: number;
  now?: () => number;
}

interface Held {
  json: Omit<VastInstanceJson, 'actual_status' | 'intended_status' | 'cur_state' | 'next_state' | 'ports'>;
  offerId: number;
  portFlags: number[];
  intended: 'running' | 'stopped';
  since: number;
  stuck: string | null;
  gpuTaken: boolean;
  /** GETs by id that still show the instance after DELETE. */
  linger: number;
  destroyed: boolean;
}

export const FAKE_VAST_KEY = 'vast-test-key';

/** `env` as an object, or the OpenAPI docker-flag string (`-e K=V -p 8188:8188`). */
function parseEnv(env: unknown): Record<string, string> | null {
  if (env === undefined || env === null) return {};
  if (isRecord(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  if (typeof env !== 'string') return null;
  const out: Record<string, string> = {};
  for (const m of env.matchAll(/-e\s+([^=\s]+)=(\S*)|(-p\s+\S+)/g)) {
    if (m[3]) out[m[3].replace(/\s+/, ' ')] = '1';
    else if (m[1]) out[m[1]] = m[2] ?? '';
  }
  return out;
}

export class FakeVastAi extends FakeServer<VastRoute> {
  private readonly offerTable: FakeVastOffer[];
  private readonly held = new Map<string, Held>();
  private readonly startDelayMs: number;
  private readonly now: () => number;
  private nextId = 20_001;

  constructor(options: FakeVastAiOptions = {}) {
    const fail = (status: number, msg: string) => ({ success: false, error: errorCode(status), msg });
    super({ apiKey: options.apiKey ?? FAKE_VAST_KEY, queryKey: true, errorBody: fail });
    this.offerTable = (options.offers ?? DEFAULT_VAST_OFFERS).map(fakeVastOffer);
    this.startDelayMs = options.startDelayMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  /** The adapter's base URL. */
  get baseUrl(): string {
    return `${this.url}/api/v0`;
  }

  /** Live instances as `GET /instances/` shows them. */
  instances(): VastInstanceJson[] {
    return [...this.held.values()].filter((h) => !h.destroyed).map((h) => this.view(h));
  }

  offers(): FakeVastOffer[] {
    return this.offerTable.map((offer) => ({ ...offer }));
  }

  /** Someone else rents the offer: renting it answers `no_such_ask`. */
  takeOffer(offerId: number | string): void {
    const offer = this.offerTable.find((o) => o.id === Number(offerId));
    if (offer) offer.rented = true;
  }

  /** The instance stays in `actual_status` for good (`loading`, `exited`, `unknown`, `offline`). */
  stuck(id: string, status: 'loading' | 'exited' | 'unknown' | 'offline'): void {
    this.must(id).stuck = status;
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
      { name: 'list', method: 'GET', path: /^\/api\/v0\/instances\/$/, handle: () => this.list() },
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
    const flags = Object.keys(env).filter((k) => k.startsWith('-p '));
    this.held.set(String(id), {
      json: {
        id,
        label: typeof b.label === 'string' ? b.label : null,
        status_msg: 'Pulling image',
        public_ipaddr: `203.0.113.${id % 250}\n`,
        ssh_host: 'ssh5.vast.ai',
        ssh_port: 10_000 + (id % 50_000),
        dph_total: offer.dph_total,
        gpu_name: offer.gpu_name,
        num_gpus: offer.num_gpus,
        gpu_util: 0,
        start_date: Math.floor(this.now() / 1000),
        image_uuid: b.image,
        extra_env: Object.entries(env).filter(([k]) => !k.startsWith('-p ')),
      },
      offerId: offer.id,
      portFlags: flags.map((flag) => Number(/:(\d+)/.exec(flag)?.[1])).filter(Number.isFinite),
      intended: 'running',
      since: this.now(),
      stuck: null,
      gpuTaken: false,
      linger: 0,
      destroyed: false,
    });
    return { status: 200, body: { success: true, new_contract: id } };
  }

  private list(): FakeReply {
    const instances = this.instances();
    return { status: 200, body: { instances, instances_found: instances.length } };
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
    if (state === 'running' && held.intended === 'stopped') {
      if (held.gpuTaken) {
        return refuse(200, 'resources_unavailable', 'Required resources are unavailable: the GPU is rented.');
      }
      held.since = this.now();
    }
    held.intended = state;
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
    const elapsed = this.now() - held.since;
    const actual =
      held.stuck ??
      (held.intended === 'stopped'
        ? 'stopped'
        : elapsed >= this.startDelayMs
          ? 'running'
          : elapsed >= this.startDelayMs / 2
            ? 'loading'
            : null);
    const ports = Object.fromEntries(
      held.portFlags.map((port, i) => [`${port}/tcp`, [{ HostIp: '0.0.0.0', HostPort: String(40_000 + i) }]]),
    );
    return {
      ...held.json,
      actual_status: actual,
      intended_status: held.destroyed ? 'stopped' : held.intended,
      cur_state: held.intended,
      next_state: held.intended,
      ports: actual === 'running' ? ports : {},
    };
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
