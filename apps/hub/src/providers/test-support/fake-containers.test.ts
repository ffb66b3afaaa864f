import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { RUNPOD_GPU_TYPES } from '../runpod/runpod-catalogue.js';
import { EntrypointContainers } from './fake-containers.js';
import { FAKE_RUNPOD_KEY } from './fake-runpod.js';
import { type FakeRunpodWithContainers, startFakeRunpodWithContainers } from './fake-runpod-containers.js';
import { FAKE_VAST_KEY } from './fake-vastai.js';
import { type FakeVastAiWithContainers, startFakeVastAiWithContainers } from './fake-vastai-containers.js';

/** An entrypoint that records each run, marks its container disk, and exits 3 when asked (a crash). */
const ENTRYPOINT = `#!/usr/bin/env bash
echo "$PODPILOT_INSTANCE_ID \${CONTAINER_ID:-}\${RUNPOD_POD_ID:-}" >> "$PODPILOT_WORKSPACE/runs"
touch "$TMPDIR/on-container-disk"
trap 'exit 0' TERM
while [[ ! -f $PODPILOT_WORKSPACE/crash-now ]]; do sleep 0.05; done
rm -f "$PODPILOT_WORKSPACE/crash-now"
exit 3
`;

const root = mkdtempSync(join(tmpdir(), 'podpilot-fake-containers-'));
const entrypoint = join(root, 'entrypoint.sh');
writeFileSync(entrypoint, ENTRYPOINT);
chmodSync(entrypoint, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 15_000, interval: 50 });
const runs = (c: EntrypointContainers, id: string) =>
  readFileSync(join(c.dirs(id)?.workspace ?? '', 'runs'), 'utf8')
    .trim()
    .split('\n');
const onDisk = (c: EntrypointContainers, id: string) =>
  existsSync(join(c.dirs(id)?.disk ?? '', 'tmp', 'on-container-disk'));
const crash = (c: EntrypointContainers, id: string) =>
  writeFileSync(join(c.dirs(id)?.workspace ?? '', 'crash-now'), '');

let made = 0;
/** A machine of its own for each test (fakes number their instances from the same start). */
function runtime() {
  made += 1;
  return new EntrypointContainers({
    root: join(root, `machine-${made}`),
    entrypoint,
    agentCommand: 'true',
    baseEnv: { PATH: process.env.PATH ?? '' },
    stopGraceMs: 5_000,
  });
}

describe('the Vast.ai fake with containers', () => {
  let containers: EntrypointContainers;
  let fake: FakeVastAiWithContainers;
  afterEach(async () => {
    await containers?.close();
    await fake?.close();
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${FAKE_VAST_KEY}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const statusOf = async (id: string) => {
    const { instances } = (await call('GET', `/instances/${id}/`)) as { instances: Record<string, unknown> };
    return [instances.actual_status, instances.intended_status];
  };

  it('runs the rental with its env, shows a crash as exited, and starts it again on the same disks', async () => {
    containers = runtime();
    fake = await startFakeVastAiWithContainers(containers);
    const launched = await call('PUT', '/asks/1001/', {
      image: 'i',
      env: { PODPILOT_INSTANCE_ID: 'inst-1' },
    });
    const id = String(launched.new_contract);
    await waitFor(() => expect(runs(containers, id)).toEqual([`inst-1 ${id}`]));
    expect(await statusOf(id)).toEqual(['running', 'running']);

    crash(containers, id);
    await waitFor(async () => expect(await statusOf(id)).toEqual(['exited', 'running']));
    expect(containers.running(id)).toBe(false);

    await call('PUT', `/instances/${id}/`, { state: 'running' });
    await waitFor(() => expect(runs(containers, id)).toHaveLength(2));
    expect(await statusOf(id)).toEqual(['running', 'running']);

    await call('PUT', `/instances/${id}/`, { state: 'stopped' });
    await waitFor(() => expect(containers.running(id)).toBe(false));
    expect(onDisk(containers, id)).toBe(true); // Vast keeps the whole disk on stop
    await call('DELETE', `/instances/${id}/`);
    await waitFor(() => expect(existsSync(containers.dirs(id)?.dir ?? '')).toBe(false));
  });
});

describe('the Runpod fake with containers', () => {
  let containers: EntrypointContainers;
  let fake: FakeRunpodWithContainers;
  afterEach(async () => {
    await containers?.close();
    await fake?.close();
  });
  const create = async (mounts?: unknown) => {
    const res = await fetch(`${fake.baseUrl}/pods`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_RUNPOD_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'p',
        image: 'i',
        gpu: { id: RUNPOD_GPU_TYPES[0]?.id, count: 1 },
        env: { PODPILOT_INSTANCE_ID: 'inst-2' },
        ...(mounts ? { mounts } : {}),
      }),
    });
    return String(((await res.json()) as { id: string }).id);
  };
  const act = (id: string, action: string) =>
    fetch(`${fake.baseUrl}/pods/${id}/action`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_RUNPOD_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action }),
    });

  it('wipes the container disk on stop and keeps /workspace only on a volume', async () => {
    containers = runtime();
    fake = await startFakeRunpodWithContainers(containers);
    const kept = await create({ persistent: { size: 20, path: '/workspace' } });
    const lost = await create();
    await waitFor(() => expect(runs(containers, kept)).toEqual([`inst-2 ${kept}`]));
    await waitFor(() => expect(onDisk(containers, lost)).toBe(true));
    for (const id of [kept, lost]) await act(id, 'stop');
    // The wipe removes the disk, then the workspace: wait for the whole of it, not its first half.
    const ran = (id: string) => existsSync(join(containers.dirs(id)?.workspace ?? '', 'runs'));
    await waitFor(() =>
      expect([onDisk(containers, kept), onDisk(containers, lost), ran(lost)]).toEqual([false, false, false]),
    );
    expect(ran(kept)).toBe(true);
  });

  it('restarts a container that exits on its own as a new one, the pod still RUNNING', async () => {
    containers = runtime();
    fake = await startFakeRunpodWithContainers(containers);
    const id = await create({ persistent: { size: 20, path: '/workspace' } });
    await waitFor(() => expect(onDisk(containers, id)).toBe(true));
    crash(containers, id);
    await waitFor(() => expect(runs(containers, id)).toHaveLength(2));
    expect(fake.instances().find((p) => p.id === id)?.status).toBe('RUNNING');
  });
});
