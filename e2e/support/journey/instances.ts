import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../agent-harness.js';
import type { Column } from './column.js';

export interface Instance {
  id: string;
  state: string;
  stateReason: string | null;
  stopReason?: string | null;
  providerInstanceId: string | null;
}

/** The agent is up and its WebUI answers: `ready`, or `idle` (ready with nothing to do). */
export const UP = ['ready', 'idle'];

export const instance = (col: Column, id: string) => col.ok<Instance>('GET', `/api/instances/${id}`);

/** Launches the profile `journey` on the column's provider (its cheapest offer); returns the instance id. */
export async function launch(col: Column, key: string): Promise<string> {
  const { provider } = col.spec;
  let offerId: string | undefined;
  if (provider !== 'local') {
    const { offers } = await col.ok<{ offers: { id: string }[] }>('GET', `/api/offers?provider=${provider}`);
    offerId = offers[0]?.id;
  }
  const body = { profile: 'journey', provider, idempotencyKey: `${col.spec.name}-${key}`, offerId };
  return (await col.ok<{ id: string }>('POST', '/api/instances', body)).id;
}

/** What the hub said of the instance lately, for a failure message. */
export async function story(col: Column, id: string): Promise<string> {
  const events = await col
    .ok<{ events: { kind: string; message: string }[] }>('GET', `/api/instances/${id}/events?limit=30`)
    .catch(() => ({ events: [] }));
  const now = await instance(col, id).catch((e: Error) => e.message);
  const lines = events.events.map((e) => `  ${e.kind}: ${e.message}`).reverse();
  return `instance ${JSON.stringify(now)}\nevents:\n${lines.join('\n')}\nhub:\n${col.hub.output().slice(-2500)}`;
}

/** Waits until the instance is in one of `states` (by the hub's API). */
export async function waitState(col: Column, id: string, states: string[], timeoutMs = 120_000) {
  let last: Instance | undefined;
  await waitUntil(
    async () => {
      last = await instance(col, id).catch(() => last);
      return !!last && states.includes(last.state);
    },
    () => `instance stayed ${last?.state}, expected ${states.join('|')}`,
    timeoutMs,
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}\n${await story(col, id)}`);
  });
  return last as Instance;
}

/** The agent's workspace: the local provider's folder, or the container's /workspace. */
export async function workspaceOf(col: Column, id: string): Promise<string> {
  const { providerInstanceId } = await instance(col, id);
  if (!providerInstanceId) throw new Error(`instance ${id} has no provider instance`);
  if (!col.containers) return join(col.hub.home, 'local-instances', providerInstanceId, 'workspace');
  const dirs = col.containers.dirs(providerInstanceId);
  if (!dirs) throw new Error(`no container ${providerInstanceId}`);
  return dirs.workspace;
}

/** Writes an output where the WebUI writes them (the profile's `output/`). */
export function writeOutput(workspace: string, name: string): void {
  const dir = join(workspace, 'ComfyUI', 'output');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `journey output ${name}`);
}

/** Paths of the instance's outputs in storage, one entry per stored version. */
export async function storedOutputs(col: Column, id: string): Promise<string[]> {
  const { outputs } = await col.ok<{ outputs: { path: string }[] }>(
    'GET',
    `/api/outputs?instance=${id}&limit=1000`,
  );
  return outputs.map((o) => o.path);
}

/** Waits until every one of `names` is in storage. */
export async function waitStored(col: Column, id: string, names: string[], timeoutMs = 45_000) {
  let stored: string[] = [];
  await waitUntil(
    async () => {
      stored = await storedOutputs(col, id).catch(() => stored);
      return names.every((n) => stored.includes(`output/${n}`));
    },
    () => `outputs ${names.join(', ')} not all in storage (have ${stored.join(', ')})`,
    timeoutMs,
  );
  return stored;
}

const environ = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
};

/** Pids of the live `podpilot agent` processes working in `workspace`. */
export function agentPids(workspace: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return (
          argv.includes('agent') &&
          argv.some((a) => a.endsWith('main.js')) &&
          !/\) Z /.test(stat) &&
          environ(pid).includes(`PODPILOT_WORKSPACE=${workspace}`)
        );
      } catch {
        return false;
      }
    });
}

/** The WebUI port the agent in `workspace` was given. */
export function webuiPortOf(workspace: string): number {
  const pid = agentPids(workspace)[0];
  const entry = pid ? environ(pid).find((e) => e.startsWith('PODPILOT_WEBUI_PORT=')) : undefined;
  if (!entry) throw new Error(`no agent with a WebUI port in ${workspace}`);
  return Number(entry.split('=')[1]);
}

/** Pids of every process carrying `KEY=value` in its environment. */
export function markedPids(entry: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => environ(pid).includes(entry));
}

export interface HubEvent {
  source: string;
  kind: string;
  message: string;
  at: string;
}

export const eventsOf = async (col: Column, id: string) =>
  (await col.ok<{ events: HubEvent[] }>('GET', `/api/instances/${id}/events?limit=1000`)).events;

/**
 * SIGKILLs every process working under `prefix` (its cwd, container, workspace or hub home there): what a
 * column that ran out of time could not end itself. Touches nothing outside the test's folder.
 */
export function killLeftovers(prefix: string): void {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cwd = '';
    try {
      cwd = readlinkSync(`/proc/${name}/cwd`);
    } catch {
      // Not ours to read, or gone.
    }
    const marked = environ(Number(name)).some(
      (e) =>
        e.startsWith(`FAKE_CONTAINER_ID=${prefix}`) ||
        e.startsWith(`PODPILOT_WORKSPACE=${prefix}`) ||
        e.startsWith(`PODPILOT_HOME=${prefix}`),
    );
    if (!marked && !cwd.startsWith(prefix)) continue;
    try {
      process.kill(Number(name), 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
