import type { AgentCommand } from '@podpilot/common';
import { describe, expect, it, vi } from 'vitest';
import type { HubConnection } from '../hub/hub-connection.js';
import type { WebuiSupervisor } from '../supervisor/webui-supervisor.js';
import { AgentState } from './agent-state.js';
import { CommandRunner } from './commands.js';

const command = (id: string, kind: AgentCommand['kind'], args: object | null = null) =>
  ({ id, kind, args, createdAt: new Date().toISOString() }) as AgentCommand;

function runner() {
  const state = new AgentState();
  const stop = new AbortController();
  const run = new CommandRunner({ state, hub: {} as HubConnection, say: () => {}, stop });
  const acks = () => state.report(null).acknowledged;
  return { state, stop, run, acks };
}

describe('CommandRunner', () => {
  it('runs a command once per id and acknowledges it once', async () => {
    const { state, run, acks } = runner();
    const stopWebui = vi.fn(async () => {});
    state.supervisor = { stop: stopWebui } as unknown as WebuiSupervisor;
    await run.handle(command('a', 'stop-webui'));
    await run.handle(command('a', 'stop-webui'));
    expect(stopWebui).toHaveBeenCalledTimes(1);
    expect(acks()).toEqual([{ id: 'a', ok: true }]);
  });

  it('stops the agent on shutdown', async () => {
    const { stop, run, acks } = runner();
    await run.handle(command('s', 'shutdown', {}));
    expect(stop.signal.aborted).toBe(true);
    expect(acks()).toEqual([{ id: 's', ok: true }]);
  });

  it('runs sync-now and snapshot beside the heartbeats, refusing them while provisioning', async () => {
    const { run, acks } = runner();
    await run.handle(command('y', 'sync-now', { final: true }));
    await run.handle(command('n', 'snapshot', {}));
    const got: unknown[] = [];
    await vi.waitFor(() => {
      got.push(...(acks() ?? []));
      expect(got).toHaveLength(2);
    });
    expect(got).toEqual([
      { id: 'y', ok: false, message: 'output sync has not started yet (still provisioning)' },
      { id: 'n', ok: false, message: 'the instance is still provisioning: snapshot it once it is ready' },
    ]);
  });

  it('acknowledges a handler that throws as failed, naming the kind', async () => {
    const { state, run, acks } = runner();
    state.supervisor = {
      stop: async () => Promise.reject(new Error('no such process')),
    } as unknown as WebuiSupervisor;
    await run.handle(command('f', 'stop-webui'));
    expect(acks()).toEqual([{ id: 'f', ok: false, message: 'stop-webui failed: no such process' }]);
  });
});
