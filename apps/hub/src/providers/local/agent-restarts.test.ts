import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  countedRestarts,
  DEFAULT_RESTART_POLICY,
  deathNote,
  planRestart,
  type RestartPolicy,
  restartsAfter,
} from './agent-restarts.js';

const policy: RestartPolicy = { ...DEFAULT_RESTART_POLICY };
const killed = { code: null, signal: 'SIGKILL' };
const crashed = { code: 1, signal: null };
const MIN = 60_000;

describe('agent restart policy', () => {
  it('has the entrypoint defaults: 5 restarts within 10 min, 1 s doubled up to 30 s', () => {
    expect(DEFAULT_RESTART_POLICY).toEqual({
      maxRestarts: 5,
      firstBackoffMs: 1_000,
      maxBackoffMs: 30_000,
      windowMs: 10 * MIN,
    });
  });

  it('restarts after a signal or a non-zero exit, never after exit 0', () => {
    expect(restartsAfter(killed)).toBe(true);
    expect(restartsAfter({ code: null, signal: 'SIGTERM' })).toBe(true);
    expect(restartsAfter(crashed)).toBe(true);
    expect(restartsAfter({ code: 137, signal: null })).toBe(true);
    expect(restartsAfter({ code: 0, signal: null })).toBe(false);
    expect(planRestart(policy, { code: 0, signal: null }, [], 0)).toEqual({ kind: 'final' });
  });

  it('waits 1, 2, 4… s before restart n, capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(policy, n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(backoffMs({ ...policy, firstBackoffMs: 10, maxBackoffMs: 25 }, 3)).toBe(25);
  });

  it('counts the restarts of the window only, and gives up when they reach the bound', () => {
    const now = 100 * MIN;
    const inWindow = [now - 9 * MIN, now - 5 * MIN, now - MIN, now - 1];
    const old = [now - 10 * MIN, now - 30 * MIN];
    expect(countedRestarts(policy, [...old, ...inWindow], now)).toEqual(inWindow);
    expect(planRestart(policy, killed, [...old, ...inWindow], now)).toEqual({
      kind: 'restart',
      attempt: 5,
      of: 5,
      delayMs: 16_000,
    });
    const five = [...inWindow, now];
    expect(planRestart(policy, crashed, five, now)).toEqual({ kind: 'spent', of: 5 });
    // Ten minutes after the oldest, it no longer counts: one more restart is allowed.
    expect(planRestart(policy, crashed, five, now + MIN)).toMatchObject({ kind: 'restart', attempt: 5 });
    expect(planRestart(policy, killed, [], now)).toEqual({
      kind: 'restart',
      attempt: 1,
      of: 5,
      delayMs: 1_000,
    });
    expect(planRestart({ ...policy, maxRestarts: 0 }, killed, [], now)).toEqual({ kind: 'spent', of: 0 });
  });

  it('writes a log line naming how the agent ended and what comes next', () => {
    const first = planRestart(policy, killed, [], 0);
    expect(deathNote(killed, first, policy)).toBe(
      'the agent was killed by SIGKILL; restarting it in 1 s (attempt 1 of 5)',
    );
    expect(deathNote(crashed, { kind: 'spent', of: 5 }, policy)).toBe(
      'the agent exited with code 1; not restarted: 5 restarts within 10 min spent',
    );
    expect(deathNote({ code: 0, signal: null }, { kind: 'final' }, policy)).toBe(
      'the agent exited with code 0; not restarted (exit 0 is final)',
    );
  });
});
