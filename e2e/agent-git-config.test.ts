import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeRemote } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import { hubRequests } from '../apps/hub/src/test-support/app.js';
import { exitOf, TINY_UI } from './support/agent-harness.js';
import { useAgentHub } from './support/agent-hub.js';

/**
 * A repository's own `.git/config` can make git run programs (core.fsmonitor on `git status`, a filter
 * driver on checkout and status, …). A profile cannot write there any more; a process inside the instance
 * still can. A real agent runs real git over such checkouts — at start, provisioning, and in a snapshot —
 * and nothing the config names ever runs (issue 19).
 */
describe('git config planted in a checkout runs nothing in the agent (e2e)', () => {
  const { tmp, ref, snapshot, instanceOf, runAgent, waitForOutput, waitForState } =
    useAgentHub('podpilot-git-config-e2e-');
  const { putProfile } = hubRequests(() => ref.hub);
  const marker = join(tmp.dir, 'ran');
  const ran = () => (existsSync(marker) ? readFileSync(marker, 'utf8') : '');

  it('refuses a profile that writes into .git', async () => {
    for (const path of ['.git/config', 'custom_nodes/x/.GIT/config', 'a/%2egit/config']) {
      const put = await putProfile(
        'git-write',
        `name: git-write\nui: { kind: comfyui, ref: ${'a'.repeat(40)} }\nfiles:\n  - { path: "${path}", content: "[core]" }\n`,
      );
      expect(put.statusCode, path).toBe(400);
      expect(put.body).toContain('expected no \\".git\\" segment');
    }
  });

  it('starts, provisions and snapshots over checkouts whose config names programs; none runs', {
    timeout: 240_000,
  }, async () => {
    const evil = join(tmp.dir, 'evil.sh');
    writeFileSync(evil, `#!/bin/sh\necho "$*" >> '${marker}'\nexit 0\n`);
    chmodSync(evil, 0o755);
    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const uiCommit = ui.commit({ 'main.py': TINY_UI });
    const nodes = makeRemote(tmp.dir, 'nodes-a');
    const nodesCommit = nodes.commit({ '__init__.py': 'A = 1\n' });
    const port = await freePort();
    const yaml = `name: gitcfg
ui: { kind: comfyui, ref: ${uiCommit}, repo: "${ui.url}" }
extensions:
  - { url: "${nodes.url}", ref: ${nodesCommit} }
args: ["--port", "${port}"]
`;
    const { id, bootstrap } = await instanceOf(yaml, 'gitcfg');
    const workspace = join(tmp.dir, 'ws');
    const first = runAgent(workspace, bootstrap);
    await waitForState(id, 'ready', 120_000).catch((error: Error) => {
      throw new Error(`${error.message}\nagent output:\n${first.output()}`);
    });
    first.child.kill('SIGTERM');
    expect(await exitOf(first)).toBe(0);

    // --- a process inside the instance plants config that git would obey, then the agent starts again ---
    const uiDir = join(workspace, 'ComfyUI');
    const ext = join(uiDir, 'custom_nodes', 'nodes-a');
    for (const [key, value] of Object.entries({
      'core.fsmonitor': `${evil} fsmonitor`,
      'core.pager': `${evil} pager`,
      'core.editor': `${evil} editor`,
      'core.askPass': `${evil} askpass`,
      'core.sshCommand': `${evil} ssh`,
      'credential.helper': `!${evil} credential`,
      'core.hooksPath': tmp.dir,
    }))
      git(uiDir, 'config', key, value);
    writeFileSync(join(tmp.dir, 'post-checkout'), `#!/bin/sh\n'${evil}' hook\n`);
    chmodSync(join(tmp.dir, 'post-checkout'), 0o755);
    const second = runAgent(workspace);
    await waitForOutput(second, /ready: the WebUI answers/);
    // The agent says so before its next heartbeat tells the hub: wait for the hub, not for the line.
    await waitForState(id, 'ready', 30_000);

    const clean = await snapshot(id);
    expect(clean, second.output()).toMatchObject({ created: false, warnings: [] });
    expect(ran()).toBe('');

    // --- a filter driver, which no command-line setting can switch off by name: the checkout is left unread ---
    git(ext, 'config', 'filter.x.clean', `${evil} clean`);
    git(ext, 'config', 'filter.x.smudge', `${evil} smudge`);
    writeFileSync(join(ext, '.git', 'info', 'attributes'), '* filter=x\n');
    writeFileSync(join(ext, '__init__.py'), 'A = 1\n'); // a new mtime: `git status` would clean it again
    const refused = await snapshot(id);
    expect(refused?.warnings).toContain(
      'custom_nodes/nodes-a: its git config names programs git would run (filter.x.clean, filter.x.smudge): not read, it cannot be reproduced',
    );
    expect(ran()).toBe('');

    // ...and provisioning refuses it, naming the settings, instead of running git there.
    second.child.kill('SIGTERM');
    expect(await exitOf(second)).toBe(0);
    const third = runAgent(workspace);
    expect(await exitOf(third, 120_000)).toBe(1);
    expect(third.output()).toContain(
      'its git config names programs git would run (filter.x.clean, filter.x.smudge)',
    );
    expect(ran()).toBe('');
  });
});
