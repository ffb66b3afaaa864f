/** The Vast.ai fake's instances: what it keeps of each and how `GET /instances/…` shows them. Test code only. */
import { isRecord } from '../json.js';
import type { VastInstanceJson } from '../vastai/vastai-api.js';

export interface Held {
  json: Omit<VastInstanceJson, 'actual_status' | 'intended_status' | 'cur_state' | 'next_state' | 'ports'>;
  /** The offer rented (0: none of the table's). */
  offerId: number;
  portFlags: number[];
  intended: 'running' | 'stopped';
  since: number;
  stuck: string | null;
  /** `status_msg` set by the test (shown while loading or stuck); null: the fake's own for the phase. */
  statusMsg: string | null;
  /** Its container exited on its own (crash, out of memory) while Vast intends it running. */
  exited: boolean;
  gpuTaken: boolean;
  /** GETs by id that still show the instance after DELETE. */
  linger: number;
  destroyed: boolean;
}

/** `env` as an object, or the OpenAPI docker-flag string (`-e K=V -p 8188:8188`). */
export function parseEnv(env: unknown): Record<string, string> | null {
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

export interface NewHeld {
  id: number;
  label: string | null;
  image: string;
  env: Record<string, string>;
  offer: { id: number; dph_total: number; gpu_name: string; num_gpus: number; storage_cost?: number } | null;
  /** The disk asked for at creation (GB): Vast bills it at the offer's storage_cost, also while stopped. */
  disk?: number;
  /** When it was created (fake clock, ms); it starts loading from `since`. */
  now: number;
  since: number;
}

/** A new instance as the fake keeps it; `-p N:N` keys of `env` become its ports. */
export function heldInstance(n: NewHeld): Held {
  const flags = Object.keys(n.env).filter((k) => k.startsWith('-p '));
  return {
    json: {
      id: n.id,
      label: n.label,
      status_msg: null,
      // Vast sends the address with a trailing newline (shown once the host took the rental).
      public_ipaddr: `203.0.113.${n.id % 250}\n`,
      ssh_host: 'ssh5.vast.ai',
      ssh_port: 10_000 + (n.id % 50_000),
      dph_total: n.offer?.dph_total ?? 0.5,
      gpu_name: n.offer?.gpu_name ?? 'RTX 4090',
      num_gpus: n.offer?.num_gpus ?? 1,
      gpu_util: 0,
      storage_cost: n.offer?.storage_cost ?? 0.15,
      disk_space: n.disk ?? 10,
      start_date: Math.floor(n.now / 1000),
      image_uuid: n.image,
      extra_env: Object.entries(n.env).filter(([k]) => !k.startsWith('-p ')),
    },
    offerId: n.offer?.id ?? 0,
    portFlags: flags.map((flag) => Number(/:(\d+)/.exec(flag)?.[1])).filter(Number.isFinite),
    intended: 'running',
    since: n.since,
    stuck: null,
    statusMsg: null,
    exited: false,
    gpuTaken: false,
    linger: 0,
    destroyed: false,
  };
}

/**
 * The instance as Vast shows it at `now`: `null`, then `loading` (second half of `startDelayMs`), then `running`;
 * `status_msg` follows (none, the image pull, `success, running …`) unless the test set one, and the public
 * address appears once the host took the rental (from `loading` on).
 */
export function viewHeld(held: Held, now: number, startDelayMs: number): VastInstanceJson {
  const elapsed = now - held.since;
  const actual =
    held.stuck ??
    (held.intended === 'stopped'
      ? 'stopped'
      : held.exited
        ? 'exited'
        : elapsed >= startDelayMs
          ? 'running'
          : elapsed >= startDelayMs / 2
            ? 'loading'
            : null);
  const ports = Object.fromEntries(
    held.portFlags.map((port, i) => [`${port}/tcp`, [{ HostIp: '0.0.0.0', HostPort: String(40_000 + i) }]]),
  );
  return {
    ...held.json,
    status_msg: held.statusMsg ?? ownStatusMessage(actual, held.json.image_uuid ?? ''),
    public_ipaddr: actual === null ? null : held.json.public_ipaddr,
    actual_status: actual,
    intended_status: held.destroyed ? 'stopped' : held.intended,
    cur_state: held.intended,
    next_state: held.intended,
    ports: actual === 'running' ? ports : {},
  };
}

/** What Vast says of each phase: nothing before the host takes it, the image pull, then the container running. */
function ownStatusMessage(actual: string | null, image: string): string | null {
  if (actual === 'loading') return `Pulling image ${image}: downloading layers`;
  if (actual === 'running') return `success, running ${image}`;
  return null;
}
