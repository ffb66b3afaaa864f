/** Vast.ai offers for the fake: plausible defaults for every documented field, and the search language. */
import { isRecord } from '../json.js';
import type { VastOfferJson } from '../vastai/vastai-api.js';
import type { FakeReply } from './fake-server.js';

/** An offer as the fake keeps it: the documented fields plus the filter-only columns. */
export type FakeVastOffer = VastOfferJson & { verified: boolean; external: boolean };

export function fakeVastOffer(o: Partial<FakeVastOffer> & Pick<VastOfferJson, 'id'>): FakeVastOffer {
  const gpuRam = o.gpu_ram ?? 24_564;
  const count = o.num_gpus ?? 1;
  const price = o.dph_total ?? 0.4;
  const verified = o.verified ?? true;
  return {
    machine_id: o.id + 50_000,
    host_id: o.id + 90_000,
    gpu_name: 'RTX 4090',
    num_gpus: count,
    gpu_ram: gpuRam,
    gpu_total_ram: gpuRam * count,
    cuda_max_good: 12.4,
    driver_version: '550.54.14',
    dph_total: price,
    min_bid: Math.round(price * 60) / 100,
    reliability: 0.99,
    inet_down: 800,
    inet_up: 600,
    inet_down_cost: 0.005,
    inet_up_cost: 0.005,
    disk_space: 200,
    storage_cost: 0.15,
    cpu_cores_effective: 16,
    cpu_ram: 64_000,
    dlperf: 80 * count,
    dlperf_per_dphtotal: (80 * count) / price,
    score: 100,
    geolocation: 'Sweden, SE',
    direct_port_count: 20,
    duration: 30 * 86_400,
    verification: verified ? 'verified' : 'unverified',
    rentable: true,
    rented: false,
    compute_cap: 890,
    total_flops: 82 * count,
    external: false,
    ...o,
    verified,
  };
}

/** Six offers the default filters keep (4090 ×1 at 0.30–0.45, 4090 ×2, 3090, A100) and three they drop. */
export const DEFAULT_VAST_OFFERS = [
  { id: 1001, dph_total: 0.4, geolocation: 'Sweden, SE' },
  { id: 1002, dph_total: 0.35, cuda_max_good: 12.2, reliability: 0.98, disk_space: 100, geolocation: 'US' },
  { id: 1003, dph_total: 0.3, cuda_max_good: 11.8, reliability: 0.9, disk_space: 50 },
  { id: 1004, dph_total: 0.7, num_gpus: 2 },
  { id: 1005, gpu_name: 'RTX 3090', gpu_ram: 24_576, dph_total: 0.2, cuda_max_good: 12.2 },
  { id: 1006, gpu_name: 'A100 SXM4', gpu_ram: 81_920, dph_total: 1.1, disk_space: 500 },
  { id: 1007, dph_total: 0.25, verified: false },
  { id: 1008, dph_total: 0.26, rented: true },
  { id: 1009, dph_total: 0.27, external: true },
];

export type VastOp = 'eq' | 'neq' | 'gt' | 'lt' | 'gte' | 'lte' | 'in' | 'notin';
/** The filter operators of searches and of the v1 instance list's `select_filters`. */
export const VAST_OPS: Record<VastOp, (a: unknown, b: unknown) => boolean> = {
  eq: (a, b) => a === b,
  neq: (a, b) => a !== b,
  gt: (a, b) => typeof a === 'number' && a > (b as number),
  lt: (a, b) => typeof a === 'number' && a < (b as number),
  gte: (a, b) => typeof a === 'number' && a >= (b as number),
  lte: (a, b) => typeof a === 'number' && a <= (b as number),
  in: (a, b) => Array.isArray(b) && b.includes(a),
  notin: (a, b) => Array.isArray(b) && !b.includes(a),
};

/** Whether `value` meets every `{op: arg}` of `condition`; an unknown operator never matches. */
export function meetsVastCondition(value: unknown, condition: unknown): boolean {
  if (!isRecord(condition)) return false;
  return Object.entries(condition).every(([op, arg]) => VAST_OPS[op as VastOp]?.(value, arg) ?? false);
}

/** Hours in Vast's storage month: `storage_cost` is $/GB/month, `dph_total` $/h. */
const HOURS_PER_MONTH = 30 * 24;

const NOT_FILTERS = new Set(['order', 'type', 'limit', 'allocated_storage', 'disable_bundling', 'extra_ids']);
const TYPES = new Set(['on-demand', 'ondemand', 'bid', 'reserved']);

const read = (offer: FakeVastOffer, field: string) => (offer as unknown as Record<string, unknown>)[field];
const refuse = (msg: string): FakeReply => ({
  status: 400,
  body: { success: false, error: 'invalid_args', msg },
});

/** The offer priced with `gb` of disk: `dph_total` gains `storage_cost` ($/GB/month) × gb per hour. */
function withStorage(offer: FakeVastOffer, gb: number): FakeVastOffer {
  const price = offer.dph_total + (offer.storage_cost * gb) / HOURS_PER_MONTH;
  return { ...offer, dph_total: price, dlperf_per_dphtotal: offer.dlperf / price };
}

/**
 * `POST /bundles/`: `{field: {op: value}}` filters over the offers' fields (and the filter-only `verified`,
 * `external`), `order: [[field, dir]…]` (default score desc), `limit` (default 64), `type` checked. With
 * `allocated_storage` (GB), `dph_total` includes that disk's storage cost, before filters and order see it.
 */
export function searchVastOffers(table: FakeVastOffer[], body: unknown): FakeReply {
  if (!isRecord(body)) return refuse('query must be a JSON object');
  if (body.type !== undefined && !TYPES.has(String(body.type))) {
    return refuse(`unknown type ${String(body.type)}`);
  }
  const storage = body.allocated_storage;
  if (storage !== undefined && (typeof storage !== 'number' || !(storage > 0))) {
    return refuse('allocated_storage must be a positive number of GB');
  }
  let offers = table
    .map((offer) => (storage === undefined ? offer : withStorage(offer, storage)))
    .filter((offer) =>
      Object.entries(body).every(
        ([field, condition]) => NOT_FILTERS.has(field) || meetsVastCondition(read(offer, field), condition),
      ),
    );
  const order: [string, string][] = Array.isArray(body.order) ? body.order : [['score', 'desc']];
  offers = [...offers].sort((a, b) => {
    for (const [field, dir] of order) {
      const x = Number(read(a, field));
      const y = Number(read(b, field));
      if (x !== y) return dir === 'desc' ? y - x : x - y;
    }
    return 0;
  });
  const limit = typeof body.limit === 'number' ? body.limit : 64;
  const shown = offers.slice(0, limit).map(({ verified: _v, external: _e, ...documented }) => documented);
  return { status: 200, body: { offers: shown } };
}
