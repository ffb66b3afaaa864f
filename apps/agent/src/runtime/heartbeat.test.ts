import { tmpdir } from 'node:os';
import type { AgentCommand, HeartbeatResponse } from '@podpilot/common';
import { describe, expect, it, vi } from 'vitest';
import type { HubConnection } from '../hub/hub-connection.js';
import { AgentState } from './agent-state.js';
import { Heartbeat } from './heartbeat.js';

type Send = HubConnection['heartbeat'];

describe('Heartbeat', () => {
  it('reports the state, hands each command on, and keeps acknowledgements a failed beat could not deliver', async () => {
    const state = new AgentState();
    const sync: AgentCommand = {
      id: 'c1',
      kind: 'sync-now',
      args: null,
      createdAt: new Date().toISOString(),
    };
    const reply: HeartbeatResponse = { commands: [sync], serverTime: new Date().toISOString() };
    const send = vi.fn<Send>().mockRejectedValueOnce(new Error('hub away')).mockResolvedValue(reply);
    const handled: AgentCommand[] = [];
    const heartbeat = new Heartbeat({ heartbeat: send }, state, tmpdir(), async (c) => {
      handled.push(c);
    });
    state.acknowledge({ id: 'done', ok: true });
    await heartbeat.beat(); // fails: the acknowledgement stays
    await heartbeat.beat();
    expect(send.mock.calls.map(([report]) => report.acknowledged)).toEqual([
      [{ id: 'done', ok: true }],
      [{ id: 'done', ok: true }],
    ]);
    const report = send.mock.calls[1]?.[0];
    expect(report).toMatchObject({ phase: 'provisioning', webui: { state: 'not-started', restarts: 0 } });
    expect(report?.diskFreeBytes).toBeGreaterThan(0);
    expect(report).not.toHaveProperty('activity');
    expect(handled).toEqual([sync]);
  });
});
