/**
 * Vast.ai REST v0 shapes (shared/provider-apis.md) and the pure mappings between them and the provider
 * interface. Kept apart from the HTTP calls so they can be tested and reused by the fake.
 */
import { cutToCodeUnits, LaunchRequest, repairAgentText } from '@podpilot/common';
import { isRecord, num, str } from '../json.js';
import {
  type LaunchSpec,
  type Offer,
  type OfferRequirements,
  type ProviderInstance,
  type ProviderStatus,
  podpilotIdOf,
} from '../provider.js';

/** An offer ("ask" / bundle) as `POST /bundles/` answers it; every documented field. */
export interface VastOfferJson {
  id: number;
  machine_id: number;
  host_id: number;
  gpu_name: string;
  num_gpus: number;
  /** Per GPU, MB. */
  gpu_ram: number;
  gpu_total_ram: number;
  cuda_max_good: number;
  driver_version: string;
  dph_total: number;
  min_bid: number;
  reliability: number;
  inet_down: number;
  inet_up: number;
  inet_down_cost: number;
  inet_up_cost: number;
  /** GB */
  disk_space: number;
  storage_cost: number;
  cpu_cores_effective: number;
  cpu_ram: number;
  dlperf: number;
  dlperf_per_dphtotal: number;
  score: number;
  geolocation: string | null;
  direct_port_count: number;
  /** seconds */
  duration: number;
  verification: string;
  rentable: boolean;
  rented: boolean;
  compute_cap: number;
  total_flops: number;
}

/** An instance as `GET /instances/…` answers it; every documented field. */
export interface VastInstanceJson {
  id: number;
  label: string | null;
  actual_status: string | null;
  intended_status: string | null;
  cur_state: string | null;
  next_state: string | null;
  status_msg: string | null;
  public_ipaddr: string | null;
  ssh_host: string | null;
  ssh_port: number | null;
  dph_total: number | null;
  gpu_name: string | null;
  num_gpus: number | null;
  gpu_util: number | null;
  /** $/GB/month of the disk, billed also while stopped. */
  storage_cost?: number | null;
  /** The disk allocated at creation, GB. */
  disk_space?: number | null;
  start_date: number | null;
  image_uuid: string | null;
  ports: Record<string, { HostIp: string; HostPort: string }[]> | null;
  extra_env: [string, string][] | null;
}

export type VastFilter = Partial<
  Record<'eq' | 'neq' | 'gt' | 'lt' | 'gte' | 'lte' | 'in' | 'notin', unknown>
>;

/** The CLI's default filters: only verified, datacenter-or-host offers that can be rented right now. */
export const VAST_DEFAULT_FILTERS = {
  verified: { eq: true },
  external: { eq: false },
  rentable: { eq: true },
  rented: { eq: false },
} as const;

/** The disk of a launch that names none (`LaunchRequest.diskGb`'s default), GB. */
export const VAST_DEFAULT_DISK_GB: number = LaunchRequest.shape.diskGb.parse(undefined);

/**
 * The `POST /bundles/` body for `requirements`. Units: `gpu_ram` is MB per GPU and, like the CLI, we multiply
 * GB by 1000 (a "24 GB" RTX 4090 reports 24564 MB, which `24 * 1024` would exclude); `disk_space` and
 * `allocated_storage` are GB; `cuda_max_good` is a number (12.4). `allocated_storage` is always sent (Vast
 * then includes that disk's storage in `dph_total`): `minDiskGb`, else the default launch disk, since the
 * offer searches (web, CLI, relaunch, budget check) name no disk.
 */
export function vastSearchBody(
  requirements: OfferRequirements,
  defaultLimit: number,
): Record<string, unknown> {
  const r = requirements;
  const filters: Record<string, VastFilter> = { ...VAST_DEFAULT_FILTERS };
  if (r.gpuName) filters.gpu_name = { eq: r.gpuName.replace(/_/g, ' ') };
  if (r.gpuCount !== undefined) filters.num_gpus = { eq: r.gpuCount };
  if (r.minVramGb !== undefined) filters.gpu_ram = { gte: r.minVramGb * 1000 };
  if (r.maxPricePerHour !== undefined) filters.dph_total = { lte: r.maxPricePerHour };
  if (r.minCuda !== undefined) filters.cuda_max_good = { gte: Number.parseFloat(r.minCuda) };
  if (r.minDiskGb !== undefined) filters.disk_space = { gte: r.minDiskGb };
  if (r.minReliability !== undefined) filters.reliability = { gte: r.minReliability };
  return {
    ...filters,
    order: [['dph_total', 'asc']],
    type: 'on-demand',
    limit: r.limit ?? defaultLimit,
    allocated_storage: r.minDiskGb ?? VAST_DEFAULT_DISK_GB,
  };
}

/** `12.4` → "12.4", `12` → "12.0"; null when absent. */
const cudaString = (value: unknown) => {
  const n = num(value);
  return n === null ? null : Number.isInteger(n) ? n.toFixed(1) : String(n);
};

/** One offer, normalised. `vramGb` is whole GB (`gpu_ram` MB / 1024, rounded: 24564 → 24). */
export function vastOffer(raw: Record<string, unknown>): Offer {
  const gpuRam = num(raw.gpu_ram);
  return {
    provider: 'vastai',
    id: String(raw.id),
    gpuName: str(raw.gpu_name) ?? 'unknown',
    gpuCount: num(raw.num_gpus) ?? 1,
    vramGb: gpuRam === null ? 0 : Math.round(gpuRam / 1024),
    pricePerHour: num(raw.dph_total) ?? 0,
    cudaMax: cudaString(raw.cuda_max_good),
    reliability: num(raw.reliability),
    downloadMbps: num(raw.inet_down),
    diskGb: num(raw.disk_space),
    location: str(raw.geolocation),
  };
}

/**
 * `actual_status` → ProviderStatus. null/loading/created/rebooting → starting; running; stopped/frozen →
 * stopped; exited → exited (the container ended on its own: out of memory, its command returned; the disk
 * stays); unknown/offline → failed (the host is gone) — unless the owner stopped it
 * (`intended_status: "stopped"`): a stopped container also reports `exited`. Unknown words → starting, so
 * the hub's boot timeout, not a guess, decides.
 */
export function vastStatus(actual: string | null, intended: string | null): ProviderStatus {
  const stopping = intended === 'stopped';
  switch (actual) {
    case 'running':
      return 'running';
    case 'stopped':
    case 'frozen':
      return 'stopped';
    case 'exited':
      return stopping ? 'stopped' : 'exited';
    case 'unknown':
    case 'offline':
      return stopping ? 'stopped' : 'failed';
    default:
      return stopping ? 'stopped' : 'starting';
  }
}

/**
 * A stopped Vast instance keeps billing its disk: `storage_cost` ($/GB/month) × `disk_space` (GB), per hour
 * of Vast's 730-hour month. Null when either is missing.
 */
function vastStoragePerHour(storageCost: number | null, diskGb: number | null): number | null {
  return storageCost !== null && diskGb !== null ? (storageCost * diskGb) / 730 : null;
}

/** One instance, normalised; the PodPilot id comes back from the label. */
export function vastInstance(raw: Record<string, unknown>): ProviderInstance {
  const actual = str(raw.actual_status);
  return {
    id: String(raw.id),
    podpilotId: podpilotIdOf(str(raw.label)),
    status: vastStatus(actual, str(raw.intended_status)),
    // Vast reports no status at all until the host takes the rental: the adapter's `created`, as at launch.
    rawStatus: actual ?? 'created',
    statusMessage: vastStatusMessage(raw.status_msg),
    pricePerHour: num(raw.dph_total),
    stoppedStoragePerHour: vastStoragePerHour(num(raw.storage_cost), num(raw.disk_space)),
    gpuName: str(raw.gpu_name),
    gpuCount: num(raw.num_gpus),
    publicIp: str(raw.public_ipaddr)?.trim() || null,
    portMap: vastPortMap(raw.ports),
  };
}

/**
 * `status_msg` trimmed (Vast pads it with newlines), made storable (repairAgentText) and cut to 500 code units;
 * null when empty.
 */
export function vastStatusMessage(value: unknown): string | null {
  const text = str(value)?.trim();
  return text ? cutToCodeUnits(repairAgentText(text), 500) : null;
}

/** `{"8188/tcp":[{"HostIp":"0.0.0.0","HostPort":"40000"}]}` → `{8188: 40000}`: the first mapping of each TCP port. */
export function vastPortMap(ports: unknown): Record<number, number> {
  const map: Record<number, number> = {};
  if (!ports || typeof ports !== 'object') return map;
  for (const [key, bindings] of Object.entries(ports)) {
    const container = /^(\d+)\/tcp$/.exec(key)?.[1];
    const first: unknown = Array.isArray(bindings) ? bindings[0] : null;
    const host =
      first && typeof first === 'object' ? Number((first as { HostPort?: unknown }).HostPort) : NaN;
    if (container && Number.isInteger(host) && host > 0) map[Number(container)] = host;
  }
  return map;
}

/** The container env: the spec's variables plus one `"-p N:N": "1"` entry per port (Vast's port flags). */
export function vastEnv(spec: Pick<LaunchSpec, 'env' | 'ports'>): Record<string, string> {
  const env: Record<string, string> = { ...spec.env };
  for (const port of spec.ports) env[`-p ${port}:${port}`] = '1';
  return env;
}

/** `msg`, else `error`, else the text: how Vast explains a refusal (`{"success":false,"error":…,"msg":…}`). */
export function vastDescribe(body: unknown, text: string): string {
  if (isRecord(body)) {
    const parts = [str(body.error), str(body.msg) ?? str(body.message) ?? str(body.detail)].filter(Boolean);
    if (parts.length > 0) return parts.join(': ');
  }
  return cutToCodeUnits(text, 200);
}
