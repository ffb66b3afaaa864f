import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentStateFile, type SavedState } from './agent-state.js';

describe('AgentStateFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podpilot-agent-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const state = (n: number): SavedState => ({
    hubUrl: 'http://127.0.0.1:9',
    instanceId: 'i',
    agentToken: `t-${n}`,
    pendingEvents: [],
  });

  it('survives many saves at once (events sent in parallel) and keeps the last one', async () => {
    const file = new AgentStateFile(join(dir, 'agent.json'));
    await Promise.all(Array.from({ length: 50 }, (_, n) => file.save(state(n))));
    expect(JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8')).agentToken).toBe('t-49');
    expect((await file.load())?.agentToken).toBe('t-49');
  });

  it('loads a file written before WebUI link keys (no key)', async () => {
    const path = join(dir, 'old.json');
    writeFileSync(
      path,
      JSON.stringify({ hubUrl: 'http://h', instanceId: 'i', agentToken: 't', pendingEvents: [] }),
    );
    expect(await new AgentStateFile(path).load()).toMatchObject({ agentToken: 't' });
  });
});
