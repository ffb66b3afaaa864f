/**
 * The local provider plays the container entrypoint: an agent that dies on its own is started again in
 * the same workspace, bounded; stop, destroy and exit 0 are final. Real processes (the fake agent); the
 * backoff is shortened through the constructor.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { LocalProvider } from './local-provider.js';
import { alive, localTestbed, specFor, waitFor } from './test-support/local-testbed.js';

describe('LocalProvider agent restarts', () => {
  const bed = localTestbed({ agentRestarts: { firstBackoffMs: 20, maxBackoffMs: 100 } });
  const { make, workspaceOf, report, reportNames, recordOf, pidOf, logOf } = bed;

  /** Waits until the recorded agent is another process than `pid` and has reported; returns its pid. */
  const nextAgent = async (provider: LocalProvider, id: string, pid: number) => {
    const next = await waitFor(async () => {
      const now = (await recordOf(id)).process?.pid;
      return now !== undefined && now !== pid ? now : undefined;
    }, `an agent after ${pid}`);
    await report(id, next);
    await waitFor(
      async () => ((await provider.get(id))?.status === 'running' ? true : undefined),
      'running again',
    );
    return next;
  };
  const statusIs = (provider: LocalProvider, id: string, status: string) =>
    waitFor(async () => {
      const instance = await provider.get(id);
      return instance?.status === status ? instance : undefined;
    }, `status ${status}`);

  it('starts an agent killed with SIGKILL again, in the same workspace with the same environment', async () => {
    const local = make();
    const { id } = await local.launch(specFor({ FROM_SPEC: '1' }));
    const first = await report(id);
    process.kill(first.pid, 'SIGKILL');

    const pid = await nextAgent(local, id, first.pid);
    expect(alive(pid)).toBe(true);
    const second = await report(id, pid);
    expect(second.cwd).toBe(workspaceOf(id));
    expect(second.env).toMatchObject({
      PODPILOT_BOOTSTRAP_TOKEN: 'bootstrap-secret',
      PODPILOT_WORKSPACE: workspaceOf(id),
      PODPILOT_PROVIDER_INSTANCE_ID: id,
      PODPILOT_WEBUI_PORT: first.env.PODPILOT_WEBUI_PORT,
      FROM_SPEC: '1',
    });
    expect(await logOf(id)).toMatch(
      /the agent was killed by SIGKILL; restarting it in 0\.02 s \(attempt 1 of 5\)/,
    );
    expect((await recordOf(id)).restarts).toHaveLength(1);
  });

  it('shows a restart waiting out its backoff as running; start runs the agent at once', async () => {
    const local = make({ agentRestarts: { firstBackoffMs: 600_000, maxBackoffMs: 600_000 } });
    const { id } = await local.launch(specFor());
    const first = await report(id);
    process.kill(first.pid, 'SIGKILL');
    const waiting = await waitFor(async () => {
      const instance = await local.get(id);
      return instance?.rawStatus.startsWith('restarting') ? instance : undefined;
    }, 'the pending restart');
    expect(waiting).toMatchObject({
      status: 'running',
      rawStatus: 'restarting (attempt 1 of 5): the agent was killed by SIGKILL',
    });
    await waitFor(
      async () => ((await logOf(id)).includes('restarting it in 600 s (attempt 1 of 5)') ? true : undefined),
      'the restart in the log',
    );
    // Another hub (a new provider on the root) does not own the process: the agent is just exited there.
    const later = make();
    expect(await later.get(id)).toMatchObject({ status: 'exited' });
    expect((await later.get(id))?.rawStatus).toMatch(/killed by SIGKILL at .* after 1 restart/);

    await local.start(id);
    const pid = await nextAgent(local, id, first.pid);
    expect(alive(pid)).toBe(true);
    expect((await recordOf(id)).restarts).toEqual([]);
  });

  it('gives up after the bound: exited, with the last reason in rawStatus', async () => {
    const local = make({ agentRestarts: { maxRestarts: 2, firstBackoffMs: 10 } });
    const { id } = await local.launch(specFor({ FAKE_EXIT_CODE: '3' }));
    const exited = await statusIs(local, id, 'exited');
    expect(exited.rawStatus).toMatch(
      /^the agent exited with code 3 at .*, after 2 restarts \(see .*agent\.log\)$/,
    );
    expect(await reportNames(id)).toHaveLength(3); // the first run and two restarts
    const log = await waitFor(async () => {
      const text = await logOf(id);
      return text.includes('not restarted') ? text : undefined;
    }, 'the last note');
    expect(log).toContain('the agent exited with code 3; restarting it in 0.01 s (attempt 1 of 2)');
    expect(log).toContain('the agent exited with code 3; restarting it in 0.02 s (attempt 2 of 2)');
    expect(log).toContain('the agent exited with code 3; not restarted: 2 restarts within 10 min spent');
  });

  it('never restarts an agent that exits with 0', async () => {
    const local = make();
    const { id } = await local.launch(specFor({ FAKE_EXIT_CODE: '0' }));
    const exited = await statusIs(local, id, 'exited');
    expect(exited.rawStatus).toContain('exited with code 0');
    await waitFor(async () => ((await logOf(id)).includes('exit 0 is final') ? true : undefined), 'the note');
    expect(await reportNames(id)).toHaveLength(1);
    expect((await recordOf(id)).restarts).toEqual([]);
  });

  it('never restarts an agent that a stop ends, even one that dies on its own while the stop waits', async () => {
    const local = make({ stopTimeoutMs: 20_000 });
    const { id } = await local.launch(specFor({ FAKE_IGNORE_TERM: '1' }));
    const agent = await report(id);
    const stopping = local.stop(id);
    // The agent ignores the SIGTERM; it then dies of a SIGKILL that is not the stop's.
    await waitFor(
      () => (existsSync(join(workspaceOf(id), `term-${agent.pid}.json`)) ? true : undefined),
      'SIGTERM',
    );
    // The hub reads the status meanwhile: never `exited` (it would stop or destroy on that).
    expect(await local.get(id)).toMatchObject({ status: 'running', rawStatus: 'stopping the agent' });
    process.kill(agent.pid, 'SIGKILL');
    expect(['running', 'stopped']).toContain((await local.get(id))?.status);
    await stopping;
    expect(await local.get(id)).toMatchObject({ status: 'stopped' });
    // A restart would come 20 ms later: it stays stopped for 50 times that.
    for (let i = 0; i < 20; i++) {
      await sleep(50);
      expect(await local.get(id)).toMatchObject({ status: 'stopped' });
    }
    expect(await reportNames(id)).toHaveLength(1);
    expect(await logOf(id)).not.toContain('restarting');
  });

  it('start after the restarts are spent runs the agent again with a fresh budget', async () => {
    const local = make({ agentRestarts: { maxRestarts: 1, firstBackoffMs: 10 } });
    const { id } = await local.launch(specFor());
    const first = await report(id);
    process.kill(first.pid, 'SIGKILL');
    const second = await nextAgent(local, id, first.pid);
    process.kill(second, 'SIGKILL');
    const exited = await waitFor(async () => {
      const instance = await local.get(id);
      return instance?.status === 'exited' && instance.rawStatus.includes('after 1 restart')
        ? instance
        : undefined;
    }, 'the restarts spent');
    expect(exited.rawStatus).toContain('killed by SIGKILL');

    await local.start(id);
    const third = await pidOf(id);
    expect(third).not.toBe(second);
    await report(id, third);
    process.kill(third, 'SIGKILL');
    const fourth = await nextAgent(local, id, third);
    expect(alive(fourth)).toBe(true);
    expect((await logOf(id)).match(/SIGKILL; restarting it in 0\.01 s \(attempt 1 of 1\)/g)).toHaveLength(2);
  });
});
