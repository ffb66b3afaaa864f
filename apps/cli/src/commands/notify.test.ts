import type { NotificationTarget } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { findTarget, parseEvents, targetRows } from './notify.js';

const target = (over: Partial<NotificationTarget>): NotificationTarget => ({
  id: '00000000-0000-4000-8000-000000000001',
  name: 'team-slack',
  format: 'slack',
  urlHint: 'https://hooks.slack.com/…',
  events: ['ready', 'failed'],
  fromEnvironment: false,
  lastDeliveryAt: null,
  lastStatus: null,
  lastError: null,
  lastErrorAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('podpilot notify', () => {
  it('reads --events and names the flag for an unknown event', () => {
    expect(parseEvents('ready, failed,idle.warning')).toEqual(['ready', 'failed', 'idle.warning']);
    expect(() => parseEvents('ready,exploded')).toThrow(/^--events: expected .* got "exploded"$/);
  });

  it('finds a target by id or name, and says how to list them when there is none', () => {
    const targets = [target({}), target({ id: 'env', name: 'PODPILOT_WEBHOOK_URL', fromEnvironment: true })];
    expect(findTarget(targets, 'team-slack').id).toBe('00000000-0000-4000-8000-000000000001');
    expect(findTarget(targets, 'env').name).toBe('PODPILOT_WEBHOOK_URL');
    expect(() => findTarget(targets, 'nope')).toThrow(
      'no notification target "nope" (see `podpilot notify ls`)',
    );
  });

  it('lists the masked URL, the last delivery and the last error', () => {
    const failed = target({
      lastDeliveryAt: '2026-01-02T00:00:00.000Z',
      lastStatus: 'failed',
      lastError: 'the receiver answered 500 (after 4 tries)',
      lastErrorAt: '2026-01-02T00:00:00.000Z',
    });
    expect(targetRows([failed])[0]).toEqual([
      'team-slack',
      'slack',
      'https://hooks.slack.com/…',
      'ready,failed',
      'failed 2026-01-02T00:00:00Z',
      '2026-01-02T00:00:00Z: the receiver answered 500 (after 4 tries)',
      '00000000-0000-4000-8000-000000000001',
    ]);
  });
});
