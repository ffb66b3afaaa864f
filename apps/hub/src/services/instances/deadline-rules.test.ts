import { InstanceState, inGroup, STATE_GROUPS } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE_DEFAULTS } from '../../env.js';
import { type DeadlineRow, deadlineOf } from './deadline-rules.js';

const MINUTE = 60_000;
const T0 = new Date(Date.UTC(2026, 11, 7, 12));
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
const settings = LIFECYCLE_DEFAULTS.deadlines;
const timeouts = LIFECYCLE_DEFAULTS;

const row = (state: InstanceState, o: Partial<DeadlineRow> = {}): DeadlineRow => ({
  id: 'i',
  state,
  stateChangedAt: T0,
  providerInstanceId: 'p1',
  providerRunningAt: T0,
  lastHeartbeatAt: null,
  lastAgentEventAt: null,
  ...o,
});

/** Every way a row can sit in `state`: with or without a rental, running or not, heard from or silent. */
function variantsOf(state: InstanceState): DeadlineRow[] {
  return [
    row(state),
    row(state, { providerInstanceId: null, providerRunningAt: null }),
    row(state, { providerRunningAt: null }),
    row(state, { lastHeartbeatAt: at(1) }),
    row(state, { lastHeartbeatAt: at(1), lastAgentEventAt: at(2) }),
    row(state, { lastHeartbeatAt: at(15), lastAgentEventAt: at(2) }),
  ];
}

describe('lifecycle deadlines', () => {
  it('every GPU-billed state has a deadline, under an hour after the last sign of life with the defaults', () => {
    const seen: string[] = [];
    for (const state of InstanceState.options) {
      for (const variant of variantsOf(state)) {
        const deadline = deadlineOf(variant, settings, timeouts);
        if (!inGroup(state, 'billed')) {
          expect(deadline, `${state} bills no GPU`).toBeNull();
          continue;
        }
        expect(deadline, `${state} must have a deadline`).not.toBeNull();
        const lastSign = Math.max(
          ...[
            variant.stateChangedAt,
            variant.providerRunningAt,
            variant.lastHeartbeatAt,
            variant.lastAgentEventAt,
          ]
            .filter((d): d is Date => d !== null)
            .map((d) => d.getTime()),
        );
        const waste = (deadline?.dueAt.getTime() ?? Infinity) - lastSign;
        expect(waste, `${state}: ${deadline?.kind}`).toBeLessThan(60 * MINUTE);
        seen.push(`${state}:${deadline?.kind}`);
      }
    }
    // Each billed state was judged, and every kind of wait appears.
    for (const state of STATE_GROUPS.billed) expect(seen.some((s) => s.startsWith(`${state}:`))).toBe(true);
    expect(new Set(seen.map((s) => s.split(':')[1]))).toEqual(
      new Set(['launch', 'boot', 'register', 'provision', 'silent', 'stopping']),
    );
  });

  it('the defaults: 15 min to register once running, 20 min without progress, 10 min of silence', () => {
    expect(deadlineOf(row('launching'), settings, timeouts)).toMatchObject({
      kind: 'register',
      dueAt: at(15),
      action: 'stop',
    });
    expect(deadlineOf(row('provisioning', { lastHeartbeatAt: at(18) }), settings, timeouts)).toMatchObject({
      kind: 'provision',
      dueAt: at(20),
    });
    expect(deadlineOf(row('ready', { lastHeartbeatAt: at(3) }), settings, timeouts)).toMatchObject({
      kind: 'silent',
      dueAt: at(13),
    });
    expect(deadlineOf(row('stopping'), settings, timeouts)).toMatchObject({
      action: 'notify',
      dueAt: at(10),
    });
  });

  it('the register wait counts from the provider running, not from the launch (image pulls take time)', () => {
    const pulled = row('launching', { providerRunningAt: at(25) });
    expect(deadlineOf(pulled, settings, timeouts)?.dueAt).toEqual(at(40));
    // Not running yet: the reconciler's boot timeout (30 min) watches it.
    expect(deadlineOf(row('launching', { providerRunningAt: null }), settings, timeouts)).toMatchObject({
      kind: 'boot',
      action: 'reconciler',
      dueAt: at(30),
    });
  });

  it('booting after a start waits for the agent to come back; once heard, silence is judged', () => {
    const started = row('booting', {
      stateChangedAt: at(60),
      providerRunningAt: null,
      lastHeartbeatAt: at(5),
    });
    expect(deadlineOf(started, settings, timeouts)).toMatchObject({ kind: 'register', dueAt: at(75) });
    const back = { ...started, lastHeartbeatAt: at(61) };
    expect(deadlineOf(back, settings, timeouts)).toMatchObject({ kind: 'silent', dueAt: at(71) });
  });

  it('an agent event is provisioning progress; a heartbeat alone is not', () => {
    const busy = row('provisioning', { lastHeartbeatAt: at(30), lastAgentEventAt: at(12) });
    expect(deadlineOf(busy, settings, timeouts)).toMatchObject({ kind: 'provision', dueAt: at(32) });
    const silent = row('provisioning', { lastHeartbeatAt: at(1), lastAgentEventAt: at(12) });
    expect(deadlineOf(silent, settings, timeouts)).toMatchObject({ kind: 'silent', dueAt: at(11) });
  });
});
