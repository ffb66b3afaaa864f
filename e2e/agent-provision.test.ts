import { createHash } from 'node:crypto';
import { readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileServer } from '../apps/agent/src/download/test-support/file-server.js';
import { git, makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import { HubClient } from '../apps/cli/src/lib/hub-client.js';
import { pushModel } from '../apps/cli/src/lib/model-push.js';
import { UploadJournal } from '../apps/cli/src/lib/upload-journal.js';
import type { Db } from '../apps/hub/src/db/db.js';
import { migrate } from '../apps/hub/src/db/migrate.js';
import { openPglite } from '../apps/hub/src/db/pglite.js';
import { appWithOwner, type TestHub } from '../apps/hub/src/test-support/app.js';
import { agentHarness, exitOf, TINY_UI } from './support/agent-harness.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the agent provisions a profile against a real hub (e2e)', () => {
  const tmp = tempDir('podpilot-agent-e2e-');
  const files = new FileServer();
  let db: Db;
  let hub: TestHub & { cookie: string };
  let token: string;

  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    hub = await appWithOwner(db);
    const [owner] = await db.query<{ id: string; username: string }>('select id, username from users');
    token = (await hub.services.apiTokens.create(owner as { id: string; username: string }, 'e2e')).token;
    await files.start();
  });
  afterAll(async () => {
    killAll();
    await files.close();
    await hub.close();
    await db.close();
    tmp.cleanup();
  });

  const { instanceOf, runAgent, waitForOutput, waitForState, killAll } = agentHarness(() => ({ hub, db }));

  it('reaches ready with every checkout, model and file in place; a second run does no network work', {
    timeout: 180_000,
  }, async () => {
    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const uiCommit = ui.commit({ 'main.py': TINY_UI });
    const extensions = ['nodes-a', 'nodes-b', 'nodes-c'].map((name) => {
      const remote = makeRemote(tmp.dir, name);
      return { name, url: remote.url, commit: remote.commit({ '__init__.py': `NAME = "${name}"\n` }) };
    });
    // One model pushed into the library (fetched from storage), one from a URL, and one file under two names.
    const stored = Buffer.alloc(3 * MiB, 7);
    const storedFile = join(tmp.dir, 'stored.safetensors');
    await import('node:fs/promises').then((fs) => fs.writeFile(storedFile, stored));
    await pushModel(new HubClient({ hubUrl: hub.url, token }), new UploadJournal(join(tmp.dir, 'cli')), {
      file: storedFile,
      kind: 'lora',
    });
    await hub.storage.put('files/cfg/extra.json', Buffer.from('{"from": "storage"}'));
    const remote = files.serveRandom('/models/base.safetensors', 40 * MiB);
    const shared = files.serveRandom('/models/shared.bin', 5 * MiB);
    const port = await freePort();
    const yaml = `name: tiny
ui: { kind: comfyui, ref: ${uiCommit}, repo: "${ui.url}" }
extensions:
${extensions.map((e) => `  - { url: "${e.url}", ref: ${e.commit} }`).join('\n')}
models:
  - { name: stored-lora, kind: lora, sha256: ${sha(stored)}, source: { storage: models/sha256/${sha(stored)} }, file: stored.safetensors }
  - { name: base, kind: checkpoint, sha256: ${remote.sha256}, source: { url: "${files.url('/models/base.safetensors')}" } }
  - { name: shared-a, kind: checkpoint, sha256: ${shared.sha256}, source: { url: "${files.url('/models/shared.bin')}" }, file: shared-a.safetensors }
  - { name: shared-b, kind: upscaler, sha256: ${shared.sha256}, source: { url: "${files.url('/models/shared.bin')}" }, file: shared-b.pth }
files:
  - { path: user/default/comfy.settings.json, content: '{"Comfy.UseNewMenu": "Top"}' }
  - { path: user/default/extra.json, storage: files/cfg/extra.json }
args: ["--port", "${port}"]
`;
    const { id, bootstrap } = await instanceOf(yaml, 'tiny');
    const workspace = join(tmp.dir, 'ws1');
    const first = runAgent(workspace, bootstrap);
    await waitForState(id, 'ready', 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\nagent output:\n${first.output()}`);
    });
    expect(await (await fetch(`http://127.0.0.1:${port}/main.py`)).text()).toBe(TINY_UI);

    const uiDir = join(workspace, 'ComfyUI');
    expect(git(uiDir, 'rev-parse', 'HEAD')).toBe(uiCommit);
    for (const e of extensions)
      expect(git(join(uiDir, 'custom_nodes', e.name), 'rev-parse', 'HEAD')).toBe(e.commit);
    expect(sha(await readFile(join(uiDir, 'models/loras/stored.safetensors')))).toBe(sha(stored));
    expect(sha(await readFile(join(uiDir, 'models/checkpoints/base.safetensors')))).toBe(remote.sha256);
    const [a, b] = await Promise.all([
      stat(join(uiDir, 'models/checkpoints/shared-a.safetensors')),
      stat(join(uiDir, 'models/upscale_models/shared-b.pth')),
    ]);
    expect(a.ino).toBe(b.ino); // one copy on disk
    expect(await readFile(join(uiDir, 'user/default/comfy.settings.json'), 'utf8')).toBe(
      '{"Comfy.UseNewMenu": "Top"}',
    );
    expect(await readFile(join(uiDir, 'user/default/extra.json'), 'utf8')).toBe('{"from": "storage"}');
    const detail = await hub.services.instances.get(id);
    expect(detail.agent?.facts).toMatchObject({ phase: 'ready', webui: { state: 'running' } });
    expect(
      (
        await db.query(
          `select 1 from instance_logs where instance_id = $1 and line like 'tiny ui listening%'`,
          [id],
        )
      ).length,
    ).toBeGreaterThanOrEqual(0);

    // The models fetched from their own URL were added to the library: the next instance gets them from storage.
    for (const model of [remote, shared]) {
      const deadline = Date.now() + 30_000;
      // The promotion starts after ready: until its upload begins, the library has no row for the model.
      const statusOf = () =>
        hub.services.models.get(model.sha256).then(
          (m) => m.status,
          () => 'absent',
        );
      while ((await statusOf()) !== 'available') {
        if (Date.now() > deadline) throw new Error(`model never promoted:\n${first.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const { urls } = await hub.services.agents.modelUrls(id, [remote.sha256, shared.sha256]);
    for (const model of [remote, shared]) {
      const copy = await hub.app.inject({ method: 'GET', url: urls[model.sha256] as string });
      expect(sha(copy.rawPayload)).toBe(model.sha256);
    }
    await waitForOutput(first, /model shared-a: added to the library/);

    first.child.kill('SIGTERM');
    expect(await exitOf(first)).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();

    // Second run: the same workspace, no bootstrap token (the agent kept its own), remotes gone, no downloads.
    const requestsBefore = files.requests.length;
    await rename(join(tmp.dir, 'remotes'), join(tmp.dir, 'remotes-away'));
    const second = runAgent(workspace);
    await waitForOutput(second, /ready: the WebUI answers/);
    expect(files.requests.length).toBe(requestsBefore);
    expect(second.output()).toContain('model base: already in the cache, sha256 verified');
    second.child.kill('SIGTERM');
    expect(await exitOf(second)).toBe(0);
    await rename(join(tmp.dir, 'remotes-away'), join(tmp.dir, 'remotes'));
  });

  /** A profile of the tiny UI with one model from the file server. */
  async function oneModelProfile(name: string, model: { path: string; sha256: string }): Promise<string> {
    const ui = makeRemote(tmp.dir, `ui-${name}`);
    const commit = ui.commit({ 'main.py': TINY_UI });
    const port = await freePort();
    return `name: ${name}
ui: { kind: comfyui, ref: ${commit}, repo: "${ui.url}" }
models:
  - { name: big-model, kind: checkpoint, sha256: ${model.sha256}, source: { url: "${files.url(model.path)}" } }
args: ["--port", "${port}"]
`;
  }

  it('resumes a download after kill -9: re-fetches less than two chunks, then verifies', async () => {
    const size = 256 * MiB;
    const chunk = 4 * MiB; // the download engine's default
    const model = files.serveRandom('/models/resume.bin', size);
    const { id, bootstrap } = await instanceOf(
      await oneModelProfile('resume', { path: '/models/resume.bin', ...model }),
      'resume',
    );
    const workspace = join(tmp.dir, 'ws-resume');
    // Sent in small pieces, so what the kernel buffers hold at the kill stays small: the test measures the
    // agent's journal, not the socket buffers.
    files.throttle = { bytes: 64 * 1024, everyMs: 2 };
    const sentBefore = files.bytesSent;
    const first = runAgent(workspace, bootstrap);
    while (files.bytesSent - sentBefore < 48 * MiB) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    await first.exit;
    await files.settled();
    files.throttle = undefined;
    const sentAtKill = files.bytesSent;
    const second = runAgent(workspace);
    await waitForOutput(second, /ready: the WebUI answers/);
    const secondRun = files.bytesSent - sentAtKill;
    const refetched = files.bytesSent - sentBefore - size;
    expect(secondRun).toBeLessThan(size); // it resumed rather than starting over
    // Fetched twice: each connection's unsaved tail (a quarter chunk in all, by design) plus what the kernel
    // still held for the killed agent (counted as sent by the server; up to a few MiB on a loaded machine),
    // plus each run's 1-byte probe. Starting over would be 256 MiB; one chunk per connection would be 32 MiB.
    expect(refetched - 2).toBeLessThan(2 * chunk);
    expect(sha(await readFile(join(workspace, 'ComfyUI/models/checkpoints/resume.bin')))).toBe(model.sha256);
    await waitForState(id, 'ready', 30_000); // the hub hears it with the agent's next heartbeat
    second.child.kill('SIGTERM');
    expect(await exitOf(second)).toBe(0);
  });

  it('fails clearly on a corrupted source, naming the model and both hashes', async () => {
    const served = files.serveRandom('/models/corrupt.bin', 2 * MiB);
    const claimed = 'f'.repeat(64);
    const { id, bootstrap } = await instanceOf(
      await oneModelProfile('corrupt', { path: '/models/corrupt.bin', sha256: claimed }),
      'corrupt',
    );
    const agent = runAgent(join(tmp.dir, 'ws-corrupt'), bootstrap);
    expect(await exitOf(agent)).toBe(1);
    expect(agent.output()).toContain('big-model');
    await expect(waitForState(id, 'ready', 5_000)).rejects.toThrow(
      new RegExp(`agent\\.failed: .*big-model.*(${claimed}.*${served.sha256}|${served.sha256}.*${claimed})`),
    );
    expect((await hub.services.instances.get(id)).state).toBe('failed');
  });
});
