/**
 * The local provider with real processes (the fake agent of `test-support/local-testbed.ts`). The shared
 * provider contract does not apply here (it drives a remote fake: a manual clock, HTTP faults, offers to
 * take); its scenarios that make sense for one machine are below. These tests turn the agent restarts
 * off (a dead agent is `exited` at once); `local-restarts.test.ts` covers them.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../errors.js';
import {
  DEFAULT_AGENT_SCRIPT,
  LOCAL_INSTANCE_MARKER,
  LOCAL_OFFER,
  type LocalProvider,
} from './local-provider.js';
import { alive, hasProcfs, localTestbed, specFor, waitFor } from './test-support/local-testbed.js';

describe('LocalProvider', () => {
  const { make, root, scripts, workspaceOf, report, recordOf, pidOf } = localTestbed({
    agentRestarts: { maxRestarts: 0 },
  });
  let local: LocalProvider;
  beforeEach(() => {
    local = make();
  });

  it('offers this machine (free, no GPU) unless the search asks for a GPU or more disk than is free', async () => {
    const offers = await local.searchOffers({ maxPricePerHour: 0.5, minDiskGb: 1 });
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ ...LOCAL_OFFER, diskGb: expect.any(Number) });
    expect(await local.searchOffers({})).toHaveLength(1);
    for (const gpu of [{ gpuName: 'RTX 4090' }, { gpuCount: 1 }, { minVramGb: 24 }, { minCuda: '12.4' }])
      expect(await local.searchOffers(gpu), JSON.stringify(gpu)).toEqual([]);
    expect(await local.searchOffers({ minDiskGb: 1e9 })).toEqual([]);
    expect(existsSync(root())).toBe(false); // read-only
  });

  it('launches a running agent in its own workspace, with the launch env and only the allowed part of the hub’s', async () => {
    vi.stubEnv('PODPILOT_HOME', '/hub/home');
    vi.stubEnv('PODPILOT_S3_SECRET_ACCESS_KEY', 'hub-secret');
    vi.stubEnv('DATABASE_URL', 'postgres://hub:password@db/podpilot');
    vi.stubEnv('HF_TOKEN', 'hf_hub_secret');
    vi.stubEnv('LC_ALL', 'C.UTF-8');
    const provider = make({ env: { PODPILOT_LOG_LEVEL: 'debug', FROM_OPTIONS: '1' } });
    const instanceId = randomUUID();
    const instance = await provider.launch(specFor({ FROM_SPEC: '2' }, instanceId));
    expect(instance).toMatchObject({ podpilotId: instanceId, status: 'running', pricePerHour: 0 });
    expect(instance.id).toMatch(new RegExp(`^local-${instanceId.slice(0, 8)}-[0-9a-f]{4}$`));

    const agent = await report(instance.id);
    expect(agent.pid).toBe(await pidOf(instance.id));
    expect(alive(agent.pid)).toBe(true);
    expect(agent.cwd).toBe(workspaceOf(instance.id));
    expect(agent.env).toMatchObject({
      PODPILOT_HUB_URL: 'http://127.0.0.1:7300',
      PODPILOT_BOOTSTRAP_TOKEN: 'bootstrap-secret',
      PODPILOT_WORKSPACE: workspaceOf(instance.id),
      PODPILOT_PROVIDER: 'local',
      PODPILOT_PROVIDER_INSTANCE_ID: instance.id,
      PODPILOT_LOG_LEVEL: 'debug',
      [LOCAL_INSTANCE_MARKER]: instance.id,
      FROM_OPTIONS: '1',
      FROM_SPEC: '2',
      LC_ALL: 'C.UTF-8',
    });
    expect(agent.env.PATH).toBe(process.env.PATH);
    for (const name of ['PODPILOT_HOME', 'PODPILOT_S3_SECRET_ACCESS_KEY', 'DATABASE_URL', 'HF_TOKEN']) {
      expect(agent.env).not.toHaveProperty(name);
    }

    // instance.json holds the bootstrap token: only the owner may read it.
    expect((await stat(join(root(), instance.id, 'instance.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(root(), instance.id))).mode & 0o777).toBe(0o700);
    expect(await recordOf(instance.id)).toMatchObject({
      state: 'running',
      env: specFor({ FROM_SPEC: '2' }).env,
    });
    await waitFor(
      async () =>
        /fake agent up/.test(await readFile(join(root(), instance.id, 'agent.log'), 'utf8'))
          ? true
          : undefined,
      'the agent log',
    );

    expect(await provider.get(instance.id)).toMatchObject({ id: instance.id, status: 'running' });
    expect((await provider.list()).map((i) => i.id)).toEqual([instance.id]);
    expect(await provider.findByPodpilotId(instanceId)).toMatchObject({ id: instance.id });
    expect(await provider.findByPodpilotId(randomUUID())).toBeNull();
    expect(await provider.get('local-00000000-abcd')).toBeNull();
    expect(await provider.get('../../etc')).toBeNull();
  });

  it('stops and starts; both idempotent; the workspace outlives the stop; start reuses the launch env', async () => {
    const { id } = await local.launch(specFor());
    const first = await report(id);
    await writeFile(join(workspaceOf(id), 'kept.txt'), 'disk');

    await local.stop(id);
    expect(alive(first.pid)).toBe(false);
    expect(await local.get(id)).toMatchObject({ status: 'stopped' });
    expect(await readFile(join(workspaceOf(id), 'kept.txt'), 'utf8')).toBe('disk');
    expect(await readFile(join(root(), id, 'agent.log'), 'utf8')).toContain('fake agent stopping');
    await local.stop(id);
    expect(await local.get(id)).toMatchObject({ status: 'stopped' });

    await local.start(id);
    const pid = await pidOf(id);
    expect(pid).not.toBe(first.pid);
    expect(await local.get(id)).toMatchObject({ status: 'running' });
    const second = await report(id, pid);
    expect(second.env.PODPILOT_BOOTSTRAP_TOKEN).toBe('bootstrap-secret');
    expect(second.env.PODPILOT_WORKSPACE).toBe(workspaceOf(id));
    expect(second.env.PODPILOT_PROVIDER_INSTANCE_ID).toBe(id);

    await local.start(id);
    expect(await pidOf(id)).toBe(pid);
    expect(alive(pid)).toBe(true);
  });

  it('a crashed agent (restarts spent) is exited, how it ended in rawStatus, until started again', async () => {
    const { id } = await local.launch(specFor());
    const agent = await report(id);
    process.kill(agent.pid, 'SIGKILL');
    const exited = await waitFor(async () => {
      const instance = await local.get(id);
      return instance?.status === 'exited' && /SIGKILL/.test(instance.rawStatus) ? instance : undefined;
    }, 'the crash to show');
    expect(exited.rawStatus).toContain('agent.log');
    expect((await local.findByPodpilotId(exited.podpilotId ?? ''))?.status).toBe('exited');

    await local.start(id);
    expect(await local.get(id)).toMatchObject({ status: 'running' });
    expect(alive(await pidOf(id))).toBe(true);
  });

  it('an agent that exits at once is exited with its exit code', async () => {
    const provider = make({ command: [process.execPath, '-e', 'process.exit(3)'] });
    const { id } = await provider.launch(specFor());
    await waitFor(
      async () => ((await provider.get(id))?.rawStatus.includes('exited with code 3') ? true : undefined),
      'the exit code',
    );
    expect(await provider.get(id)).toMatchObject({ status: 'exited' });
  });

  it('stop escalates to SIGKILL when the agent ignores SIGTERM', async () => {
    const provider = make({ stopTimeoutMs: 300 });
    const { id } = await provider.launch(specFor({ FAKE_IGNORE_TERM: '1' }));
    const agent = await report(id);
    const started = Date.now();
    await provider.stop(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // SIGKILL is sent; the kernel (and the reaper of a detached process) finish it a moment later.
    await expect.poll(() => alive(agent.pid), { timeout: 10_000 }).toBe(false);
    expect(await provider.get(id)).toMatchObject({ status: 'stopped' });
  });

  it.runIf(hasProcfs)('stop and destroy also end what the agent started in a group of its own', async () => {
    const { id } = await local.launch(specFor({ FAKE_UI: '1' }));
    await report(id);
    const uiPid = async () =>
      (JSON.parse(await readFile(join(workspaceOf(id), 'ui.json'), 'utf8')) as { pid: number }).pid;
    const ui = await uiPid();
    expect(alive(ui)).toBe(true);
    await local.stop(id);
    expect(alive(ui)).toBe(false);

    // The agent crashes and leaves its UI behind: destroy still ends it.
    await local.start(id);
    const agent = await report(id, await pidOf(id));
    const orphan = await waitFor(async () => {
      const pid = await uiPid().catch(() => undefined);
      return pid !== undefined && pid !== ui ? pid : undefined;
    }, 'the second UI');
    process.kill(agent.pid, 'SIGKILL');
    await waitFor(async () => ((await local.get(id))?.status === 'exited' ? true : undefined), 'the crash');
    expect(alive(orphan)).toBe(true);
    await local.destroy(id);
    expect(alive(orphan)).toBe(false);
  });

  it('destroy removes the folder and is idempotent: twice, and for ids never issued', async () => {
    const { id } = await local.launch(specFor());
    const agent = await report(id);
    await local.destroy(id);
    expect(alive(agent.pid)).toBe(false);
    expect(existsSync(join(root(), id))).toBe(false);
    expect(await readdir(root())).toEqual([]);
    expect(await local.get(id)).toBeNull();
    expect(await local.list()).toEqual([]);
    await local.destroy(id);
    await local.destroy('local-deadbeef-0000');
    await local.destroy('../outside');
    await expect(local.stop('local-deadbeef-0000')).rejects.toBeInstanceOf(ProviderError);
    await expect(local.start('local-deadbeef-0000')).rejects.toBeInstanceOf(ProviderError);
  });

  it('a new provider on the same root (a hub restart) adopts running instances', async () => {
    const instanceId = randomUUID();
    const { id } = await local.launch(specFor({}, instanceId));
    const agent = await report(id);
    const later = make();
    expect(await later.findByPodpilotId(instanceId)).toMatchObject({ id, status: 'running' });
    await later.stop(id);
    expect(alive(agent.pid)).toBe(false);
    expect(await local.get(id)).toMatchObject({ status: 'stopped' });
  });

  it.runIf(hasProcfs)('a reused pid is not the agent: exited, and never signalled', async () => {
    const { id } = await local.launch(specFor());
    const agent = await report(id);
    process.kill(agent.pid, 'SIGKILL');
    await waitFor(
      async () => ((await local.get(id))?.rawStatus.includes('SIGKILL') ? true : undefined),
      'the exit to be noted',
    );
    // Pretend the kernel gave the agent's pid to another process: this test's own.
    const path = join(root(), id, 'instance.json');
    const record = JSON.parse(await readFile(path, 'utf8')) as { process: { pid: number } };
    record.process.pid = process.pid;
    await writeFile(path, JSON.stringify(record), { mode: 0o600 });
    expect(await local.get(id)).toMatchObject({ status: 'exited' });
    await local.stop(id); // would end this test process if it trusted the pid
    expect(await local.get(id)).toMatchObject({ status: 'stopped' });
  });

  it('an instance whose agent is not spawned yet (a launch under way) is starting, not exited', async () => {
    const { id } = await local.launch(specFor());
    await report(id);
    await local.stop(id);
    const path = join(root(), id, 'instance.json');
    const record = JSON.parse(await readFile(path, 'utf8')) as { state: string; process: null };
    await writeFile(path, JSON.stringify({ ...record, state: 'running', process: null }), { mode: 0o600 });
    expect(await local.get(id)).toMatchObject({ status: 'starting' });
  });

  it('an unreadable instance.json shows as failed and can still be destroyed', async () => {
    const { id } = await local.launch(specFor());
    await report(id);
    await local.stop(id);
    await writeFile(join(root(), id, 'instance.json'), '{ not json');
    expect(await local.get(id)).toMatchObject({ id, podpilotId: null, status: 'failed' });
    expect((await local.list()).map((i) => i.status)).toEqual(['failed']);
    await expect(local.start(id)).rejects.toBeInstanceOf(ProviderError);
    await local.destroy(id);
    expect(await local.get(id)).toBeNull();
  });

  it('a command that cannot start throws ProviderError and leaves nothing behind', async () => {
    const provider = make({ command: [join(scripts(), 'no-such-program')] });
    await expect(provider.launch(specFor())).rejects.toBeInstanceOf(ProviderError);
    expect(await readdir(root())).toEqual([]);
  });

  it('calls on one instance run one after another', async () => {
    const { id } = await local.launch(specFor());
    await report(id);
    await Promise.all([local.stop(id), local.start(id), local.stop(id)]);
    expect(await local.get(id)).toMatchObject({ status: 'stopped' });
    expect(await recordOf(id)).toMatchObject({ state: 'stopped', process: null });
  });

  it('gives each instance a WebUI port of its own, free on loopback, kept across stop and start while free', async () => {
    const [a, b] = await Promise.all([local.launch(specFor()), local.launch(specFor())]);
    const portOf = async (id: string, pid?: number) =>
      Number((await report(id, pid)).env.PODPILOT_WEBUI_PORT);
    const [portA, portB] = [await portOf(a.id), await portOf(b.id)];
    expect(portA).toBeGreaterThan(0);
    expect(portB).toBeGreaterThan(0);
    expect(portA).not.toBe(portB);
    expect(await recordOf(a.id)).toMatchObject({ webuiPort: portA });

    await local.stop(a.id);
    await local.start(a.id);
    expect(await portOf(a.id, await pidOf(a.id))).toBe(portA); // the same address after a restart

    // While stopped, another program takes its port: the next start gives it a free one instead.
    await local.stop(a.id);
    const blocker = createServer().listen(portA, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      await local.start(a.id);
      const moved = await portOf(a.id, await pidOf(a.id));
      expect([portA, portB]).not.toContain(moved);
      expect(await recordOf(a.id)).toMatchObject({ webuiPort: moved });
    } finally {
      blocker.close();
    }
  });

  it('runs the built CLI by default', () => {
    expect(DEFAULT_AGENT_SCRIPT.replaceAll('\\', '/')).toMatch(/\/apps\/cli\/dist\/main\.js$/);
  });
});
