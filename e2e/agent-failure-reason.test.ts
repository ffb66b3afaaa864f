import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import { TINY_UI, waitUntil } from './support/agent-harness.js';
import { type HubProcess, ownerApiToken, startHub } from './support/hub-process.js';
import { ownerSession } from './support/owner-session.js';

const PASSWORD = 'a long enough owner password';
const SHA256 = 'c'.repeat(64);
const REASON = 'model sdxl-refiner: it is not in the library yet and has no URL to fetch it from';

/**
 * A launch that fails provisioning, as a user meets it: a real hub process, the real CLI and the real agent
 * the local provider starts. `launch --wait` states the agent's own reason and exits non-zero; `podpilot logs`
 * shows the agent's provisioning lines (with their level) and the events; `podpilot events` the failure.
 */
describe('a launch that fails provisioning states why, in the CLI (e2e)', () => {
  const tmp = tempDir('podpilot-failure-e2e-');
  let hub: HubProcess;
  let token: string;
  const { podpilot, api } = ownerSession(() => ({ hub, token }));

  beforeAll(async () => {
    hub = await startHub({ args: ['--port', String(await freePort())] });
    token = await ownerApiToken(hub, PASSWORD);
  });
  afterAll(async () => {
    await hub?.stop();
    tmp.cleanup();
  });

  it('prints the reason, exits non-zero, and the log has the provisioning lines', async () => {
    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const commit = ui.commit({ 'main.py': TINY_UI });
    const profile = join(tmp.dir, 'broken.yaml');
    writeFileSync(
      profile,
      [
        'name: broken',
        `ui: { kind: comfyui, ref: ${commit}, repo: "${ui.url}" }`,
        `args: ["--port", "${await freePort()}"]`,
        'models:',
        `  - { name: sdxl-refiner, kind: checkpoint, sha256: ${SHA256}, source: { storage: models/sha256/${SHA256} } }`,
        '',
      ].join('\n'),
    );
    const applied = podpilot('profile', 'apply', profile);
    expect(applied.code, applied.stderr).toBe(0);

    const launched = podpilot('launch', 'broken', '--provider', 'local', '--wait');
    expect(launched.code, `${launched.stdout}\n${launched.stderr}\n${hub.output().slice(-3000)}`).toBe(1);
    expect(launched.stderr).toContain(`is failed: ${REASON}`);
    expect(`${launched.stdout}${launched.stderr}`).not.toMatch(/see its/);
    const id = /\(([0-9a-f]{8})\)/.exec(launched.stdout)?.[1] ?? '';
    expect(id).toMatch(/^[0-9a-f]{8}$/);

    // The agent's lines arrive in batches (every second, and when it stops): wait for the failure's.
    const { instances } = await api<{ instances: { id: string; state: string; stateReason: string }[] }>(
      '/api/instances',
    );
    const full = instances.find((i) => i.id.startsWith(id));
    expect(full).toMatchObject({ state: 'failed', stateReason: REASON });
    const agentLines = async () =>
      (
        await api<{ lines: { line: string; level: string | null }[] }>(
          `/api/instances/${full?.id}/logs?source=agent`,
        )
      ).lines;
    await waitUntil(
      async () => (await agentLines()).some((l) => l.level === 'error' && l.line === REASON),
      () => `no error line from the agent:\n${hub.output().slice(-3000)}`,
      60_000,
    );

    const logs = podpilot('logs', id);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/ agent info \| ui comfyui: git checkout of .* at [0-9a-f]{40}\n/);
    expect(logs.stdout).toMatch(/ agent info \| ui comfyui: cloned at [0-9a-f]{12}\n/);
    expect(logs.stdout).toContain(`agent error | ${REASON}\n`);
    expect(logs.stdout).toContain(`event error agent.failed: ${REASON}\n`);
    expect(logs.stdout).not.toContain('\x1b['); // not a terminal: no colours

    const errorsOnly = podpilot('logs', id, '--level', 'error', '--source', 'agent');
    expect(errorsOnly.stdout).not.toContain('cloned');
    expect(errorsOnly.stdout).toContain(`agent error | ${REASON}\n`);

    const events = podpilot('events', id, '--json');
    const kinds = (JSON.parse(events.stdout) as { kind: string }[]).map((e) => e.kind);
    expect(kinds, kinds.join(', ')).toEqual(expect.arrayContaining(['provision.started', 'agent.failed']));
    expect(kinds.indexOf('provision.started')).toBeLessThan(kinds.indexOf('agent.failed')); // newest last
  });
});
