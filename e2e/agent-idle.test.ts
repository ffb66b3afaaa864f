import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import { TINY_UI, waitUntil } from './support/agent-harness.js';
import { type HubProcess, ownerApiToken, startHub } from './support/hub-process.js';
import { ownerSession } from './support/owner-session.js';

const PASSWORD = 'a long enough owner password';
/** One idle minute lasts this many seconds on this hub's clock. */
const IDLE_MINUTE_SECONDS = 3;

/**
 * Idle stopping end to end on the `local` provider: a real hub process on a fast idle clock, the real CLI,
 * the real agent the hub starts. The instance makes one output, goes quiet, and stops itself once the
 * output is in storage.
 */
describe('an idle instance stops itself after its outputs are synced (e2e)', () => {
  const tmp = tempDir('podpilot-idle-e2e-');
  let hub: HubProcess;
  let token: string;

  const { podpilot, api } = ownerSession(() => ({ hub, token }));

  beforeAll(async () => {
    hub = await startHub({
      env: {
        PODPILOT_IDLE_MINUTE_SECONDS: String(IDLE_MINUTE_SECONDS),
        PODPILOT_COST_WATCH_SECONDS: '1',
        PODPILOT_RECONCILE_SECONDS: '5',
      },
    });
    token = await ownerApiToken(hub, PASSWORD);
  });
  afterAll(async () => {
    await hub?.stop();
    tmp.cleanup();
  });

  it('stops a profile with idle minutes 1 once nothing happens, after the final sync', async () => {
    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const commit = ui.commit({ 'main.py': TINY_UI });
    const webuiPort = await freePort();
    const profile = join(tmp.dir, 'quick-idle.yaml');
    writeFileSync(
      profile,
      [
        'name: quick-idle',
        `ui: { kind: comfyui, ref: ${commit}, repo: "${ui.url}" }`,
        `args: ["--port", "${webuiPort}"]`,
        'idle: { minutes: 1, action: stop }',
        '',
      ].join('\n'),
    );
    expect(podpilot('profile', 'apply', profile).code).toBe(0);
    const launched = podpilot('launch', 'quick-idle', '--provider', 'local', '--wait', '--json');
    expect(launched.code, `${launched.stderr}\n${hub.output()}`).toBe(0);
    const { id, providerInstanceId } = JSON.parse(launched.stdout) as {
      id: string;
      providerInstanceId: string;
    };

    // The WebUI makes one image; the output sync finds it (new work: the idle clock starts over).
    const image = Buffer.from(`a generated image ${Date.now()}`);
    const outputDir = join(hub.home, 'local-instances', providerInstanceId, 'workspace', 'ComfyUI', 'output');
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(join(outputDir, 'ComfyUI_00001_.png'), image);

    const idle = podpilot('idle', id);
    expect(idle.code, idle.stderr).toBe(0);
    expect(idle.stdout).toContain('policy: stop after 1 idle min (from the profile)');

    await waitUntil(
      async () => (await api<{ state: string }>(`/api/instances/${id}`)).state === 'stopped',
      () => `the instance never stopped:\n${hub.output().slice(-4000)}`,
      90_000,
    );

    const { outputs } = await api<{ outputs: { path: string; sha256: string }[] }>(
      `/api/outputs?instance=${id}`,
    );
    expect(outputs).toEqual([
      expect.objectContaining({
        path: 'output/ComfyUI_00001_.png',
        sha256: createHash('sha256').update(image).digest('hex'),
      }),
    ]);
    const { events } = await api<{ events: { kind: string }[] }>(`/api/instances/${id}/events?limit=200`);
    const kinds = events.map((e) => e.kind).reverse();
    expect(kinds.indexOf('idle.warning')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('idle.warning')).toBeLessThan(kinds.indexOf('idle.action'));
    const { transitions } = await api<{ transitions: { to: string; cause: string }[] }>(
      `/api/instances/${id}/transitions`,
    );
    expect(transitions.map((t) => `${t.to}: ${t.cause}`)).toContainEqual(
      expect.stringMatching(/^stopping: idle 1 min \(.*\(final sync: synced\)$/),
    );
  });
});
