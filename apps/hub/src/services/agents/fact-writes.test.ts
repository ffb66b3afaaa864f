import { AGENT_PROTOCOL_VERSION, type HeartbeatReport } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { FACTS_REFRESH_MS, FactWrites } from './fact-writes.js';

const T0 = Date.parse('2026-12-07T12:00:00Z');

/** Facts of a ready agent received at `at`, whose last output was at T0 - 60 s; `activity` fields replaced. */
function facts(at: number, activity: Record<string, unknown> = {}): Omit<HeartbeatReport, 'acknowledged'> {
  return {
    agentVersion: '0.1.0',
    protocolVersion: AGENT_PROTOCOL_VERSION,
    sentAt: new Date(at).toISOString(),
    phase: 'ready',
    activity: {
      gpus: [
        { index: 0, name: 'RTX 4090', utilizationPercent: 0, memoryUsedMiB: 500, memoryTotalMiB: 24_564 },
      ],
      webui: { busy: false, source: 'api' },
      webuiCpuPercent: 0,
      secondsSinceOutput: (at - (T0 - 60_000)) / 1000,
      secondsSinceRequest: null,
      openConnections: 0,
      ...activity,
    },
  };
}

/** Sends `report` at `at`: whether it was written (and then records it as written). */
function beat(writes: FactWrites, at: number, report = facts(at)): boolean {
  const signature = writes.due('i1', report, at);
  if (signature !== null) writes.wrote('i1', signature, at);
  return signature !== null;
}

describe('FactWrites', () => {
  it('writes the first facts, then only what changed, and the same facts again after the refresh time', () => {
    const writes = new FactWrites();
    expect(beat(writes, T0)).toBe(true);
    // Five seconds later: a new sentAt and a "seconds since output" 5 s larger say nothing new.
    expect(beat(writes, T0 + 5_000)).toBe(false);
    expect(beat(writes, T0 + 10_000)).toBe(false);
    expect(beat(writes, T0 + 15_000, facts(T0 + 15_000, { openConnections: 2 }))).toBe(true);
    expect(beat(writes, T0 + 20_000, facts(T0 + 20_000, { openConnections: 2 }))).toBe(false);
    expect(beat(writes, T0 + 15_000 + FACTS_REFRESH_MS, facts(T0 + 45_000, { openConnections: 2 }))).toBe(
      true,
    );
  });

  it('writes every beat that shows work now: each says the work went on until then', () => {
    const writes = new FactWrites();
    const working = (at: number) => facts(at, { webui: { busy: true, source: 'api' } });
    expect([0, 5_000, 10_000].map((dt) => beat(writes, T0 + dt, working(T0 + dt)))).toEqual([
      true,
      true,
      true,
    ]);
    expect(beat(writes, T0 + 15_000)).toBe(true); // quiet again: a change
    expect(beat(writes, T0 + 20_000)).toBe(false);
  });

  it('writes when a counter starts again (a new output) or a phase, version or GPU reading changes', () => {
    const writes = new FactWrites();
    beat(writes, T0);
    expect(beat(writes, T0 + 5_000, facts(T0 + 5_000, { secondsSinceOutput: 1 }))).toBe(true);
    expect(
      beat(writes, T0 + 10_000, { ...facts(T0 + 10_000, { secondsSinceOutput: 6 }), phase: 'stopping' }),
    ).toBe(true);
    const gpu = {
      index: 0,
      name: 'RTX 4090',
      utilizationPercent: 97,
      memoryUsedMiB: 9000,
      memoryTotalMiB: 24_564,
    };
    const gpuBusy = facts(T0 + 15_000, { secondsSinceOutput: 11, gpus: [gpu] });
    expect(beat(writes, T0 + 15_000, gpuBusy)).toBe(true);
  });

  it('keeps instances apart, and forgets the oldest beyond its bound rather than growing', () => {
    const writes = new FactWrites();
    const report = facts(T0);
    const first = writes.due('a', report, T0);
    writes.wrote('a', first as string, T0);
    expect(writes.due('b', report, T0)).not.toBeNull();
    expect(writes.due('a', facts(T0 + 5_000), T0 + 5_000)).toBeNull();
    for (let i = 0; i < 20_000; i++) writes.wrote(`other-${i}`, 'x', T0);
    expect(writes.due('a', facts(T0 + 10_000), T0 + 10_000)).not.toBeNull();
  });
});
