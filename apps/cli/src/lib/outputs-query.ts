import {
  type InstanceSummary,
  instancesEndpoints,
  type OutputSummary,
  outputsEndpoints,
} from '@podpilot/common';
import { CliError } from './cli-error.js';
import type { HubClient } from './hub-client.js';
import { formatTime } from './output.js';

/** The hub's `GET /api/outputs` filters (times already in ISO form). */
export interface OutputsFilter {
  /** Instance id (UUID). */
  instance?: string;
  profile?: string;
  since?: string;
  until?: string;
  /** Substring of the path. */
  path?: string;
  /** Words searched in the path and the embedded prompt. */
  q?: string;
  /** `'true'`: the trash instead. */
  deleted?: 'true';
}

/** The most the hub answers per page. */
const PAGE_MAX = 1000;

/** Outputs matching `filter`, newest first, following the cursor until `limit` (all when undefined). */
export async function listOutputs(
  hub: HubClient,
  filter: OutputsFilter,
  limit?: number,
): Promise<OutputSummary[]> {
  const outputs: OutputSummary[] = [];
  let cursor: string | undefined;
  do {
    const want = limit === undefined ? PAGE_MAX : Math.min(PAGE_MAX, limit - outputs.length);
    if (want <= 0) break;
    const page = await hub.call(outputsEndpoints.list, { query: { ...filter, limit: want, cursor } });
    outputs.push(...page.outputs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return outputs;
}

export const listInstances = async (hub: HubClient): Promise<InstanceSummary[]> =>
  (await hub.call(instancesEndpoints.list)).instances;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `--instance`: an id, a unique id prefix (8+ characters) or a unique name; the instance's id. */
export async function resolveInstance(hub: HubClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref.toLowerCase();
  const instances = await listInstances(hub);
  const byName = instances.filter((i) => i.name === ref);
  if (byName.length === 1 && byName[0]) return byName[0].id;
  if (byName.length > 1)
    throw new CliError(
      `--instance: ${byName.length} instances are named "${ref}"; give the id`,
      byName.map((i) => `${i.id}  ${i.state}  created ${formatTime(i.createdAt)}`),
    );
  const byPrefix = ref.length >= 8 ? instances.filter((i) => i.id.startsWith(ref.toLowerCase())) : [];
  if (byPrefix.length === 1 && byPrefix[0]) return byPrefix[0].id;
  throw new CliError(`--instance: no instance has the id or name "${ref}"`);
}
