/** How the local provider shows its instances: the one offer, and each instance folder as a ProviderInstance. */
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Offer, type ProviderInstance, type ProviderStatus, podpilotIdOf } from '../provider.js';
import { errorCode, type InstanceRecord, logPath, RECORD, type UnreadableRecord } from './instance-record.js';
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
 * `stopped` as recorded; `running` while the recorded process is still ours; `exited` when it ended on its own
 * (the workspace stays; `start` runs it again). Read-only.
 */
export async function describeInstance(root: string, record: InstanceRecord): Promise<ProviderInstance> {
  let status: ProviderStatus;
  let rawStatus: string;
  if (record.state === 'stopped') {
    status = 'stopped';
    rawStatus = 'stopped';
  } else if (record.process && (await probe(record.process)) === 'ours') {
    status = 'running';
    rawStatus = `running (pid ${record.process.pid})`;
  } else {
    status = 'exited';
    rawStatus = ended(root, record);
  }
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

/** How the agent ended, for `rawStatus`, pointing at its log. */
function ended(root: string, record: InstanceRecord): string {
  const log = logPath(root, record.id);
  const exit = record.exit;
  if (!record.process) return `no agent process (see ${log})`;
  if (!exit || exit.pid !== record.process.pid) return `the agent exited (see ${log})`;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  return `the agent ${how} at ${exit.at} (see ${log})`;
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
