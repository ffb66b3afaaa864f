import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { waitUntil } from '../agent-harness.js';
import { type Column, DEADLINES } from './column.js';
import {
  agentPids,
  eventsOf,
  instance,
  launch,
  markedPids,
  storedOutputs,
  story,
  UP,
  waitState,
  waitStored,
  webuiPortOf,
  workspaceOf,
  writeOutput,
} from './instances.js';
import { fetchesOf } from './shims.js';

/** How long the hub stays away in its cell: several heartbeats and log flushes of the agent. */
const HUB_DOWN_MS = 8_000;

/** What the cells of one column share: its main instance, and the one that never registers. */
export interface Journey {
  col: Column;
  id: string;
  neverId: string;
  /** When the never-registering instance was launched (ms). */
  neverLaunchedAt: number;
  /** Every output written so far (file names). */
  outputs: string[];
  /** Set once outputs failed to reach storage: later cells wait for them briefly (failures stay failures). */
  syncFailed?: boolean;
}

/** Waits for every output of the journey in storage (briefly once sync has failed in this column). */
async function allStored(j: Journey): Promise<void> {
  await waitStored(j.col, j.id, j.outputs, j.syncFailed ? 10_000 : 45_000).catch(async (error: Error) => {
    j.syncFailed = true;
    const detail = await j.col.ok<{ agent: { facts: { sync?: unknown } } | null }>(
      'GET',
      `/api/instances/${j.id}`,
    );
    throw new Error(`${error.message}; the agent's sync: ${JSON.stringify(detail.agent?.facts.sync)}`);
  });
}

const gitFetches = (j: Journey) =>
  existsSync(j.col.gitLog) ? fetchesOf(readFileSync(j.col.gitLog, 'utf8')) : 0;

const killIfThere = (pid: number) => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already (ended between the scan and the kill).
  }
};

const check = (ok: boolean, message: string) => {
  if (!ok) throw new Error(message);
};

/** Launches the instance that cannot reach the hub, then the main one, at once; returns their ids. */
export async function launchBoth(col: Column): Promise<Omit<Journey, 'outputs'>> {
  col.cutOffNext();
  const neverLaunchedAt = Date.now();
  const neverId = await launch(col, 'never');
  // The cut-off goes to the next agent or container to start: that one's, before the main one is launched.
  await waitUntil(
    async () => (await instance(col, neverId)).providerInstanceId !== null,
    () => 'the never-registering instance was never rented',
  );
  if (!col.containers)
    await waitUntil(
      () => !existsSync(`${col.dir}/cut-off-next`),
      () => 'cut-off unused',
    );
  return { col, id: await launch(col, 'main'), neverId, neverLaunchedAt };
}

/** launch → ready → outputs → stop → start → ready, with no download repeated and every output stored. */
export async function stopStart(j: Journey): Promise<void> {
  const { col, id } = j;
  await waitState(col, id, UP, 150_000);
  const workspace = await workspaceOf(col, id);
  for (const name of ['first.png', 'second.png']) writeOutput(workspace, name);
  j.outputs.push('first.png', 'second.png');
  // Not stored yet is noted, not fatal: the stop's final sync may still bring them, and the rest is checked.
  const late = await allStored(j).then(
    () => null,
    (error: Error) => `before stop: ${error.message}`,
  );
  const fetched = gitFetches(j);
  check(fetched >= 1, `the UI checkout was never fetched through the git shim (${fetched})`);

  await col.ok('POST', `/api/instances/${id}/stop`);
  await waitState(col, id, ['stopped']);
  // The provider stops the container after the hub's call returns: its agent's final sync may still run.
  await waitUntil(
    () => agentPids(workspace).length === 0,
    () => 'an agent still runs a minute after stop',
  );
  await col.ok('POST', `/api/instances/${id}/start`);
  await waitState(col, id, UP, 120_000);
  check(gitFetches(j) === fetched, `the UI was fetched again after start (${fetched} → ${gitFetches(j)})`);
  await allStored(j).catch((error: Error) => {
    throw new Error([late, `after start: ${error.message}`].filter(Boolean).join('\n'));
  });
  check(late === null, late ?? '');
}

/** kill -9 of the agent right after an output is written: back to ready, the output stored. */
export async function agentKill(j: Journey): Promise<void> {
  const { col, id } = j;
  const workspace = await workspaceOf(col, id);
  const before = agentPids(workspace);
  check(before.length === 1, `expected one agent, found ${before.length}`);
  writeOutput(workspace, 'before-kill.png');
  j.outputs.push('before-kill.png');
  for (const pid of before) killIfThere(pid);
  await waitUntil(
    () => agentPids(workspace).some((pid) => !before.includes(pid)),
    () => 'no agent started again after kill -9',
    60_000,
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}\n${await story(col, id)}`);
  });
  await waitState(col, id, UP);
  await allStored(j);
}

/** The whole container killed and started again on its disks (local: the instance's processes): ready. */
export async function containerRestart(j: Journey): Promise<void> {
  const { col, id } = j;
  const { providerInstanceId } = await instance(col, id);
  const workspace = await workspaceOf(col, id);
  const before = agentPids(workspace);
  const readyEvents = async () => (await eventsOf(col, id)).filter((e) => e.kind === 'webui.ready').length;
  const readyBefore = await readyEvents();
  const pid = providerInstanceId ?? '';
  if (col.runpod) await col.runpod.restartContainer(pid);
  else if (col.containers) {
    await col.containers.kill(pid);
    col.containers.run(pid);
  } else {
    for (const p of markedPids(`LOCAL_PODPILOT_INSTANCE=${pid}`)) killIfThere(p);
  }
  await waitUntil(
    async () => agentPids(workspace).some((p) => !before.includes(p)) && (await readyEvents()) > readyBefore,
    () => 'the restarted container never reported its WebUI ready',
    120_000,
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}\n${await story(col, id)}`);
  });
  await waitState(col, id, UP);
}

/**
 * The way in the owner gets (`POST …/webui-link`): a WebUI behind the agent's link proxy (a public address
 * without Tailscale) needs the link traded for a cookie — asked of the proxy on its loopback port, since the
 * fakes' public addresses lead nowhere. Null where the WebUI needs no cookie (local, tailnet).
 */
async function webuiCookie(col: Journey['col'], id: string, port: number): Promise<string | null> {
  const link = new URL((await col.ok<{ url: string }>('POST', `/api/instances/${id}/webui-link`)).url);
  if (link.pathname !== '/_podpilot/open') return null;
  const opened = await fetch(`http://127.0.0.1:${port}${link.pathname}${link.search}`, {
    redirect: 'manual',
  });
  await opened.text();
  const cookie = opened.headers.get('set-cookie')?.split(';')[0] ?? null;
  check(
    opened.status === 303 && cookie !== null,
    `the link proxy answered ${opened.status} to the hub's link`,
  );
  return cookie;
}

/** The hub stopped for a while (an output written and a log line made meanwhile), then started again. */
export async function hubDown(j: Journey): Promise<void> {
  const { col, id } = j;
  const workspace = await workspaceOf(col, id);
  const port = webuiPortOf(workspace);
  const marker = `journey-marker-${randomUUID()}`;
  const cookie = await webuiCookie(col, id, port); // asked while the hub is up
  await col.stopHub();
  writeOutput(workspace, 'while-hub-down.png');
  j.outputs.push('while-hub-down.png');
  // The WebUI logs the request: a line the agent must hold until the hub is back.
  const marked = await fetch(`http://127.0.0.1:${port}/${marker}`, { headers: cookie ? { cookie } : {} });
  await marked.text();
  // Any answer of the WebUI's own (a 404 for this path) shows the request got past the link proxy.
  check(marked.status !== 401, `the link proxy refused the owner's request (${marked.status})`);
  await new Promise((resolve) => setTimeout(resolve, HUB_DOWN_MS));
  await col.startHub();

  const lines = async () =>
    (await col.ok<{ lines: { line: string }[] }>('GET', `/api/instances/${id}/logs?limit=5000`)).lines;
  await waitUntil(
    async () => (await lines()).some((l) => l.line.includes(marker)),
    () => 'the log line made while the hub was down never arrived',
  );
  await waitState(col, id, UP);
  await allStored(j);
  const arrived = (await lines()).filter((l) => l.line.includes(marker)).length;
  check(arrived === 1, `the queued log line arrived ${arrived} times`);
  const stored = (await storedOutputs(col, id)).filter((p) => p === 'output/while-hub-down.png').length;
  check(stored === 1, `the output written while the hub was down is stored ${stored} times`);
  const agentEvents = (await eventsOf(col, id)).filter((e) => e.source === 'agent');
  const keys = agentEvents.map((e) => `${e.kind}|${e.message}|${e.at}`);
  const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
  check(twice.length === 0, `agent events delivered twice: ${twice.join(', ')}`);
}

/** The instance that cannot reach the hub: stopped (or destroyed) within its deadline, reason `deadline`. */
export async function neverRegisters(j: Journey): Promise<void> {
  const { col, neverId } = j;
  const limitMs = (DEADLINES.register + 45) * 1000;
  const left = Math.max(5_000, j.neverLaunchedAt + limitMs - Date.now());
  const final = await waitState(col, neverId, ['stopped', 'destroyed'], left);
  check(final.stopReason === 'deadline', `stop reason ${final.stopReason}, expected deadline`);
  const { transitions } = await col.ok<{ transitions: { to: string; at: string }[] }>(
    'GET',
    `/api/instances/${neverId}/transitions`,
  );
  const ended = transitions.find((t) => t.to === 'stopped' || t.to === 'destroyed' || t.to === 'stopping');
  const tookMs = Date.parse(ended?.at ?? '') - j.neverLaunchedAt;
  check(
    tookMs <= limitMs,
    `ended ${Math.round(tookMs / 1000)} s after launch, deadline ${DEADLINES.register} s`,
  );
}
