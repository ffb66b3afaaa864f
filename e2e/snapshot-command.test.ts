import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentCommand } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { HubConnection } from '../apps/agent/src/hub/hub-connection.js';
import { git, makeRemote } from '../apps/agent/src/provision/test-support/git-repos.js';
import { runSnapshotCommand } from '../apps/agent/src/runtime/snapshot-command.js';
import { useAgentHub } from './support/agent-hub.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The agent's snapshot command against a real hub over HTTP (in-process hub, real HubConnection, real files
 * and git): models the library lacks are uploaded, and one that changes after it was hashed is refused and
 * named in the acknowledgement, which is then not ok.
 */
describe('the snapshot command uploads what the library lacks (e2e)', () => {
  const { tmp, ref, instanceOf } = useAgentHub('podpilot-snapshot-command-');

  it('uploads the unknown models, refuses one that changed since it was hashed, and says so', async () => {
    const remote = makeRemote(tmp.dir, 'ui');
    const commit = remote.commit({ 'main.py': 'print(1)\n' });
    const uiDir = join(tmp.dir, 'ComfyUI');
    git(tmp.dir, 'clone', '-q', remote.url, uiDir);
    mkdirSync(join(uiDir, 'models/loras'), { recursive: true });
    const kept = randomBytes(2 * MiB + 1);
    writeFileSync(join(uiDir, 'models/loras/kept.safetensors'), kept);
    writeFileSync(join(uiDir, 'models/loras/growing.safetensors'), randomBytes(MiB));

    const { id, bootstrap } = await instanceOf(
      `name: snapcmd\nui: { kind: comfyui, ref: ${commit}, repo: "${remote.url}" }\n`,
      'snapcmd',
    );
    const connection = new HubConnection({
      hubUrl: ref.hub.url,
      bootstrapToken: bootstrap,
      stateFile: join(tmp.dir, 'agent.json'),
    });
    await connection.connect();
    const commandId = (await ref.hub.services.snapshots.request(id, {})).commandId;
    const command: AgentCommand = {
      id: commandId,
      kind: 'snapshot',
      args: {},
      createdAt: new Date().toISOString(),
    };

    const said: string[] = [];
    const ack = await runSnapshotCommand(
      connection,
      command,
      { uiDir, uiKind: 'comfyui', cacheDir: join(tmp.dir, 'cache'), profileFiles: [] },
      (line) => {
        said.push(line);
        // The hub has stored the version; the user keeps writing to one model before its upload.
        if (line.startsWith('snapshot: snapcmd@2'))
          appendFileSync(join(uiDir, 'models/loras/growing.safetensors'), 'more');
      },
    );

    expect(ack.ok).toBe(false);
    expect(ack.message).toMatch(
      /^1 of 2 model upload\(s\) failed \(models\/loras\/growing\.safetensors: it changed after it was hashed\) — snapcmd@2: /,
    );
    expect(said).toContain('snapshot: uploading models/loras/kept.safetensors (2.0 MiB) to the library');
    const library = await ref.hub.services.models.get(sha(kept));
    expect(library).toMatchObject({ status: 'available', kind: 'lora', name: 'kept' });
    // The stored object is the file, byte for byte.
    const stored = await ref.hub.storage.get(library.storageKey ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of stored) chunks.push(chunk as Buffer);
    expect(sha(Buffer.concat(chunks))).toBe(sha(kept));
  });
});
