/** How the local provider shows its instances: the one offer, and each instance folder as a ProviderInstance. */
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type Offer,
  type OfferRequirements,
  type ProviderInstance,
  type ProviderStatus,
  podpilotIdOf,
} from '../provider.js';
import { howItEnded } from './agent-restarts.js';
import type { AgentEnd } from './agent-supervisor.js';
import {
  errorCode,
  type InstanceRecord,
  logPath,
  RECORD,
  readRecord,
  UnreadableRecord,
} from './instance-record.js';
import { probe } from './processes.js';

/** The one offer: this machine, free, no GPU of its own to rent. */
export const LOCAL_OFFER: Readonly<Offer> = Object.freeze({
  provider: 'local',
  id: 'local',
  gpuName: 'none (local)',
  gpuCount: 0,
  vramGb: 0,
  pricePerHour: 0,
  cudaMax: null,
  reliability: null,
  downloadMbps: null,
  diskGb: null,
  location: 'this machine',
});

/**
 * Whether this machine's offer meets an offers search: not when it asks for a GPU (a name, a count, VRAM or a
 * CUDA version; the local agent runs without one), nor for more disk than is free; price and reliability always.
 */
export function localOfferMeets(offer: Offer, r: OfferRequirements): boolean {
  const wantsGpu =
    r.gpuName !== undefined || (r.gpuCount ?? 0) > 0 || (r.minVramGb ?? 0) > 0 || r.minCuda !== undefined;
  const disk = offer.diskGb ?? Number.POSITIVE_INFINITY;
  return !wantsGpu && (r.minDiskGb === undefined || disk >= r.minDiskGb) && (r.limit ?? 1) > 0;
}

/** The one offer (`LOCAL_OFFER`, with the free disk under `root`) when it meets `requirements`, else none. */
export async function localOffers(root: string, requirements: OfferRequirements): Promise<Offer[]> {
  const offer = { ...LOCAL_OFFER, diskGb: await freeDiskGb(root) };
  return localOfferMeets(offer, requirements) ? [offer] : [];
}

/** What only the provider object serving the instance knows, beyond its record. */
export interface LiveView {
  /** A start or stop of the instance in progress. */
  transition?: 'starting' | 'stopping';
  /**
   * How the agent ended, asked once its process is gone: known to the provider object that spawned it
   * (a pending restart included), else undefined.
   */
  agentEnd?: () => Promise<AgentEnd | undefined>;
}

/**
 * `stopped` as recorded; `starting` while a start runs or a launch has not spawned the agent yet; `running`
 * while the recorded process is still ours, while a stop ends it, and while a restart of it waits out its
 * backoff; `exited` when it ended on its own for good (the workspace stays; `start` runs it again). Never a
 * passing `exited` during a start, stop or pending restart: the hub stops or destroys on it. Read-only.
 */
export async function describeInstance(
  root: string,
  record: InstanceRecord,
  live: LiveView = {},
): Promise<ProviderInstance> {
  const [status, rawStatus] = await statusOf(root, record, live);
  return {
    id: record.id,
    podpilotId: podpilotIdOf(record.label),
    status,
    rawStatus,
    pricePerHour: 0,
    gpuName: LOCAL_OFFER.gpuName,
    gpuCount: 0,
    publicIp: '127.0.0.1',
  };
}

async function statusOf(
  root: string,
  record: InstanceRecord,
  { transition, agentEnd }: LiveView,
): Promise<[ProviderStatus, string]> {
  if (transition === 'starting') return ['starting', 'starting the agent'];
  if (record.state === 'stopped') return ['stopped', 'stopped'];
  if (transition === 'stopping') return ['running', 'stopping the agent'];
  if (!record.process) return ['starting', 'starting the agent']; // a launch that has not spawned it yet
  if ((await probe(record.process)) === 'ours') return ['running', `running (pid ${record.process.pid})`];
  const end = await agentEnd?.();
  if (end?.pending) {
    const { attempt, of } = end.pending;
    return ['running', `restarting (attempt ${attempt} of ${of}): the agent ${howItEnded(end.exit)}`];
  }
  return ['exited', ended(root, record, record.process.pid, end)];
}

/**
 * `describeInstance` of the latest record: an agent that looks gone is checked against the record once more,
 * since a restart may have replaced it while this looked (the new agent is recorded before it is watched) and
 * showing `exited` then would be a false crash. `view` gives the live view of a record.
 */
export async function describeCurrent(
  root: string,
  record: InstanceRecord,
  view: (record: InstanceRecord) => LiveView,
): Promise<ProviderInstance> {
  let current = record;
  for (let look = 0; ; look++) {
    const described = await describeInstance(root, current, view(current));
    if (described.status !== 'exited' || look === 2) return described;
    const fresh = await readRecord(root, current.id);
    const same = fresh === null || fresh instanceof UnreadableRecord;
    if (same || fresh.process?.pid === current.process?.pid) return described;
    current = fresh;
  }
}

/** How the agent ended, for `rawStatus`, pointing at its log. */
function ended(root: string, record: InstanceRecord, pid: number, end: AgentEnd | undefined): string {
  const log = logPath(root, record.id);
  const recorded = record.exit?.pid === pid ? record.exit : null;
  const exit = end?.exit ?? recorded;
  if (!exit) return `the agent exited (see ${log})`;
  const count = end?.restarts ?? record.restarts?.length ?? 0;
  const restarts = count > 0 ? `, after ${count} restart${count === 1 ? '' : 's'}` : '';
  return `the agent ${howItEnded(exit)} at ${exit.at}${restarts} (see ${log})`;
}

/** An instance whose `instance.json` cannot be read: failed, and still destroyable. */
export function unreadableInstance(error: UnreadableRecord): ProviderInstance {
  return {
    id: error.id,
    podpilotId: null,
    status: 'failed',
    rawStatus: `unreadable ${RECORD}: ${error.message}`,
    pricePerHour: 0,
    gpuName: LOCAL_OFFER.gpuName,
    gpuCount: 0,
    publicIp: '127.0.0.1',
  };
}

/** Free space under `root` (or its nearest existing parent), in GB; null when unknown. */
export async function freeDiskGb(root: string): Promise<number | null> {
  for (let dir = root; ; dir = dirname(dir)) {
    try {
      const stats = await statfs(dir);
      return Math.floor((stats.bavail * stats.bsize) / 1e9);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' || dirname(dir) === dir) return null;
    }
  }
}
