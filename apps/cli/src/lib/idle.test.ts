import type { InstanceDetail } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { formatActivity, idleOverrideFromFlags, keepAwakeUntil } from './idle.js';

const NOW = Date.parse('2026-11-29T10:00:00Z');

describe('keep-awake durations', () => {
  it('adds a duration to now, and "off" cancels', () => {
    expect(keepAwakeUntil('2h', NOW)).toBe('2026-11-29T12:00:00.000Z');
    expect(keepAwakeUntil('90m', NOW)).toBe('2026-11-29T11:30:00.000Z');
    expect(keepAwakeUntil('off', NOW)).toBeNull();
  });

  it('names the argument when the duration is wrong or too long', () => {
    expect(() => keepAwakeUntil('soon', NOW)).toThrow('duration: expected a time to stay awake such as 2h');
    expect(() => keepAwakeUntil('30d', NOW)).toThrow('duration: expected at most 7 days');
  });
});

describe('idle policy flags', () => {
  it('builds the override from the flags given, null when none', () => {
    expect(idleOverrideFromFlags({})).toBeNull();
    expect(idleOverrideFromFlags({ minutes: '45', action: 'destroy' })).toEqual({
      minutes: 45,
      action: 'destroy',
    });
    expect(idleOverrideFromFlags({ off: true })).toEqual({ disabled: true });
  });

  it('names the flag that is wrong', () => {
    expect(() => idleOverrideFromFlags({ minutes: '0' })).toThrow(
      '--minutes: expected whole minutes from 1 to 1440',
    );
    expect(() => idleOverrideFromFlags({ action: 'halt' })).toThrow(
      '--action: expected an idle action: stop or destroy',
    );
    expect(() => idleOverrideFromFlags({ on: true, off: true })).toThrow('--off and --on');
  });
});

describe('the activity view', () => {
  const instance = (activity: InstanceDetail['activity'], state: InstanceDetail['state'] = 'idle') =>
    ({ name: 'sdxl-1', state, activity }) as InstanceDetail;

  it('says why the instance is idle and when it stops', () => {
    const text = formatActivity(
      instance({
        busy: false,
        reasons: ['GPU idle (max 0%)', 'last WebUI request 24 min ago'],
        lastActivityAt: '2026-11-29T09:36:00.000Z',
        actionAt: '2026-11-29T10:06:00.000Z',
        warnedAt: '2026-11-29T10:01:00.000Z',
        keepAwakeUntil: null,
        policy: { minutes: 30, action: 'stop', source: 'profile', disabled: false },
      }),
      NOW,
    );
    expect(text).toContain('sdxl-1: idle — GPU idle (max 0%); last WebUI request 24 min ago');
    expect(text).toContain('policy: stop after 30 idle min (from the profile)');
    expect(text).toContain('stop at 2026-11-29T10:06:00Z (in 6 min) unless work resumes');
  });

  it('says when idle stopping does not apply', () => {
    expect(formatActivity(instance(null, 'stopped'), NOW)).toContain('sdxl-1 is stopped');
  });
});
