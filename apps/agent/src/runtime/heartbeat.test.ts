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

  it('never has two beats on the way: one asked meanwhile goes after, with the newer state; asks share it', async () => {
    const state = new AgentState();
    let inFlight = 0;
    let most = 0;
    const phases: string[] = [];
    let release: () => void = () => {};
    const send = vi.fn<Send>().mockImplementation(async (report) => {
      inFlight++;
      most = Math.max(most, inFlight);
      phases.push(report.phase);
      if (phases.length === 1) await new Promise<void>((r) => (release = r)); // the first is slow
      inFlight--;
      return { commands: [], serverTime: new Date().toISOString() };
    });
    const heartbeat = new Heartbeat({ heartbeat: send }, state, tmpdir(), async () => {});
    const first = heartbeat.beat(); // provisioning, held by the hub
    await vi.waitFor(() => expect(send).toHaveBeenCalledTimes(1));
    state.phase = 'ready';
    const second = heartbeat.beat();
    const third = heartbeat.beat(); // asked while the second waits: the same beat
    expect(third).toBe(second);
    release();
    await Promise.all([first, second, third]);
    expect(phases).toEqual(['provisioning', 'ready']);
    expect(most).toBe(1);
  });
});
