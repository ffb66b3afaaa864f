import { describe, expect, it } from 'vitest';
import { AgentCommand, agentCommandArgs, HeartbeatResponse } from './protocol.js';

const base = { id: '5f0c6d0e-8a44-4c53-9a53-1b7a1e0c2f11', createdAt: '2026-12-01T10:00:00.000Z' };

describe('AgentCommand', () => {
  it('reads the JSON hubs send today, args null or {} included', () => {
    for (const kind of ['sync-now', 'snapshot', 'stop-webui', 'shutdown'] as const) {
      expect(AgentCommand.parse({ ...base, kind, args: null })).toEqual({ ...base, kind, args: null });
      expect(AgentCommand.parse({ ...base, kind, args: {} })).toEqual({ ...base, kind, args: {} });
    }
    expect(AgentCommand.parse({ ...base, kind: 'sync-now', args: { final: true } })).toEqual({
      ...base,
      kind: 'sync-now',
      args: { final: true },
    });
    expect(AgentCommand.parse({ ...base, kind: 'snapshot', args: { as: 'mine' } }).args).toEqual({
      as: 'mine',
    });
  });

  it('drops keys it does not know and reads fields of the wrong type as absent, never failing the reply', () => {
    const reply = HeartbeatResponse.parse({
      serverTime: base.createdAt,
      commands: [
        { ...base, kind: 'sync-now', args: { final: 'yes', timeoutSeconds: '30', later: 1 } },
        { ...base, kind: 'snapshot', args: { as: 42 } },
        { ...base, kind: 'shutdown', args: { force: true } },
      ],
    });
    expect(reply.commands.map((c) => JSON.parse(JSON.stringify(c.args)))).toEqual([
      { timeoutSeconds: 30 },
      {},
      {},
    ]);
  });

  it('refuses a kind it does not know', () => {
    expect(AgentCommand.safeParse({ ...base, kind: 'explode', args: null }).success).toBe(false);
  });

  it("types an owner's untyped args by kind", () => {
    expect(agentCommandArgs('sync-now', { timeoutSeconds: 60 })).toEqual({ timeoutSeconds: 60 });
    expect(agentCommandArgs('sync-now', { timeoutSeconds: -1 })?.timeoutSeconds).toBeUndefined();
    expect(agentCommandArgs('snapshot', null)).toBeNull();
    expect(agentCommandArgs('stop-webui', 'nonsense')).toBeNull();
  });
});
