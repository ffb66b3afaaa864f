import {
  type InstanceDetail,
  type InstanceState,
  type InstanceSummary,
  instanceLifecycleEndpoints,
  STATE_GROUPS,
  sleep,
  type WebuiAccess,
} from '@podpilot/common';
import { CliError } from './cli-error.js';
import { type HubClient, HubError } from './hub-client.js';
import { formatTable, formatTime } from './output.js';

export const listAllInstances = async (hub: HubClient): Promise<InstanceSummary[]> =>
  (await hub.call(instanceLifecycleEndpoints.list)).instances;

/** The shortest id prefix `resolveInstanceRef` takes. */
export const MIN_PREFIX = 6;

const describe = (i: InstanceSummary) => `${i.id}  ${i.name}  ${i.state}  created ${formatTime(i.createdAt)}`;

/**
 * An instance by its full id, a unique id prefix (6+ characters) or a unique name. A name shared with
 * destroyed instances means the one that is not destroyed. Anything matching several instances is refused
 * with the candidates listed.
 */
export function matchInstance(instances: InstanceSummary[], ref: string): InstanceSummary {
  const needle = ref.trim();
  const lower = needle.toLowerCase();
  const exact = instances.find((i) => i.id === lower);
  if (exact) return exact;
  let byName = instances.filter((i) => i.name === needle);
  const liveByName = byName.filter((i) => i.state !== 'destroyed');
  if (liveByName.length) byName = liveByName;
  const byPrefix = lower.length >= MIN_PREFIX ? instances.filter((i) => i.id.startsWith(lower)) : [];
  const matches = [...new Set([...byName, ...byPrefix])];
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1)
    throw new CliError(
      `"${ref}" matches ${matches.length} instances; give more of the id:`,
      matches.map(describe),
    );
  const hint =
    lower.length < MIN_PREFIX && /^[0-9a-f-]+$/.test(lower)
      ? ` (an id prefix needs at least ${MIN_PREFIX} characters)`
      : '';
  throw new CliError(`no instance has the id or name "${ref}"${hint}; see \`podpilot ps --all\``);
}

/** `matchInstance` against the hub's list. */
export async function resolveInstanceRef(hub: HubClient, ref: string): Promise<InstanceSummary> {
  return matchInstance(await listAllInstances(hub), ref);
}

/** 42 s → "42s", then minutes, hours, days. */
export function formatAge(since: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

export const formatGpu = (i: { gpuName: string | null; gpuCount: number | null }) =>
  i.gpuName === null ? '-' : `${i.gpuName} ×${i.gpuCount ?? 1}`;

/** The `ACCESS` cell of `podpilot ps`: the WebUI's address, or "—" while there is none. */
export const formatAccess = (access: WebuiAccess | null | undefined): string => access?.url ?? '—';

export const formatPrice = (price: number | null) => (price === null ? '-' : `$${price.toFixed(3)}`);

/** The `podpilot ps` table; destroyed instances only with `all`. */
export function formatInstances(
  instances: InstanceSummary[],
  all: boolean,
  now: number = Date.now(),
): string {
  return formatTable(
    ['ID', 'NAME', 'STATE', 'PROVIDER', 'GPU', '$/H', 'AGE', 'ACCESS'],
    visibleInstances(instances, all).map((i) => [
      i.id.slice(0, 8),
      i.name,
      i.state,
      i.provider,
      formatGpu(i),
      formatPrice(i.pricePerHour),
      formatAge(i.createdAt, now),
      formatAccess(i.access),
    ]),
  );
}

export const visibleInstances = (instances: InstanceSummary[], all: boolean) =>
  all ? instances : instances.filter((i) => i.state !== 'destroyed');

export type InstanceAction = 'stop' | 'start' | 'destroy';

/** `POST /api/instances/:id/<action>`; the instance as the hub left it. */
export function instanceAction(hub: HubClient, id: string, action: InstanceAction): Promise<InstanceDetail> {
  return hub.call(instanceLifecycleEndpoints[action], { params: { id } });
}

/** Polls in a row that may go unanswered before waiting gives up. */
const MAX_POLL_FAILURES = 5;

/** States `launch --wait` ends on: up, or never going to be. */
const UP: readonly InstanceState[] = STATE_GROUPS.serving;
const DOWN: readonly InstanceState[] = [...STATE_GROUPS.settled, 'stopping'];

export interface WaitOptions {
  intervalMs?: number;
  signal?: AbortSignal;
  /** Called with the first state seen and each change after it. */
  onChange?: (instance: InstanceDetail) => void;
}

/**
 * Polls `GET /api/instances/:id` until the instance is ready (or idle); throws CliError when it fails, is
 * stopped or destroyed on the way. A few polls in a row without an answer (hub restarting) are tolerated.
 */
export async function waitForInstance(
  hub: HubClient,
  id: string,
  { intervalMs = 2000, signal, onChange }: WaitOptions = {},
): Promise<InstanceDetail> {
  let last: InstanceState | undefined;
  let failures = 0;
  for (;;) {
    signal?.throwIfAborted();
    let instance: InstanceDetail;
    try {
      instance = await hub.call(instanceLifecycleEndpoints.get, { params: { id } });
      failures = 0;
    } catch (error) {
      if (!(error instanceof HubError && error.retryable) || ++failures >= MAX_POLL_FAILURES) throw error;
      await sleep(intervalMs, signal);
      continue;
    }
    if (instance.state !== last) {
      last = instance.state;
      onChange?.(instance);
    }
    if (UP.includes(instance.state)) return instance;
    // The reason itself (the hub states the agent's own error), never a pointer to somewhere else.
    if (DOWN.includes(instance.state))
      throw new CliError(
        `${instance.name} is ${instance.state}${instance.stateReason ? `: ${instance.stateReason}` : ''}`,
      );
    await sleep(intervalMs, signal);
  }
}
