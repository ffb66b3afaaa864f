import type { ActivitySample, ActivityView, LiveInstance } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import {
  appendCapped,
  applyLiveMessage,
  chartPath,
  filterLines,
  formatSize,
  formatSpan,
  formatUsd,
  idleCountdown,
  idleOverrideBody,
  issueField,
  percentOf,
  reconnectDelayMs,
  seriesStats,
  uptimeMs,
} from './live';

const instance = (id: string, createdAt: string, o: Partial<LiveInstance> = {}): LiveInstance => ({
  id,
  name: id,
  provider: 'vastai',
  providerInstanceId: null,
  state: 'ready',
  stateReason: null,
  stopReason: null,
  gpuName: 'RTX 4090',
  gpuCount: 1,
  pricePerHour: 0.4,
  costUsd: 0,
  createdAt,
  stateChangedAt: createdAt,
  activity: null,
  sync: null,
  phase: null,
  provisioning: null,
  webui: null,
  lastHeartbeatAt: null,
  access: null,
  providerStatus: null,
  bootDeadlineAt: null,
  publicAddress: null,
  gpuBilled: false,
  ...o,
});

describe('applyLiveMessage', () => {
  const a = instance('a', '2026-11-01T00:00:00Z');
  const b = instance('b', '2026-11-02T00:00:00Z');

  it('replaces the list on `instances`, newest first', () => {
    expect(
      applyLiveMessage(undefined, { event: 'instances', data: { instances: [a, b] } }).instances,
    ).toEqual([b, a]);
  });

  it('updates one in place, adds a new one in order, and removes', () => {
    const list = { instances: [b, a] };
    const changed = { ...a, state: 'idle' as const };
    expect(applyLiveMessage(list, { event: 'instance', data: changed }).instances).toEqual([b, changed]);
    const c = instance('c', '2026-11-03T00:00:00Z');
    expect(applyLiveMessage(list, { event: 'instance', data: c }).instances.map((i) => i.id)).toEqual([
      'c',
      'b',
      'a',
    ]);
    expect(applyLiveMessage(list, { event: 'removed', data: { id: 'b' } }).instances).toEqual([a]);
    expect(applyLiveMessage(undefined, { event: 'removed', data: { id: 'b' } }).instances).toEqual([]);
  });
});

describe('formatting', () => {
  it('backs off from 1 s to at most 30 s', () => {
    expect([0, 1, 2, 3, 10].map(reconnectDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 30_000]);
  });

  it('formats dollars, spans and sizes', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.004)).toBe('<$0.01');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatSpan(45_000)).toBe('45 s');
    expect(formatSpan(12 * 60_000)).toBe('12 min');
    expect(formatSpan(185 * 60_000)).toBe('3 h 05 min');
    expect(formatSpan(52 * 3_600_000)).toBe('2 d 4 h');
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatSize(null)).toBe('—');
    expect(percentOf(50, 200)).toBe(25);
    expect(percentOf(50, null)).toBeNull();
  });

  it('counts uptime only for active instances', () => {
    const now = Date.parse('2026-11-01T01:00:00Z');
    expect(uptimeMs(instance('a', '2026-11-01T00:00:00Z'), now)).toBe(3_600_000);
    expect(uptimeMs(instance('a', '2026-11-01T00:00:00Z', { state: 'stopped' }), now)).toBeNull();
  });

  it('counts down to the idle action', () => {
    const activity: ActivityView = {
      busy: false,
      reasons: [],
      lastActivityAt: null,
      actionAt: '2026-11-01T00:10:00Z',
      warnedAt: null,
      keepAwakeUntil: null,
      policy: { minutes: 30, action: 'stop', source: 'profile', disabled: false },
    };
    const now = Date.parse('2026-11-01T00:00:00Z');
    expect(idleCountdown(activity, now)).toBe('stops in 10 min');
    expect(idleCountdown({ ...activity, policy: { ...activity.policy, action: 'destroy' } }, now)).toBe(
      'destroys in 10 min',
    );
    expect(idleCountdown(activity, now + 11 * 60_000)).toBe('stopping now');
    expect(idleCountdown({ ...activity, actionAt: null }, now)).toBeNull();
    expect(idleCountdown(null, now)).toBeNull();
  });
});

describe('logs', () => {
  const lines = [
    { id: 1, line: 'Loading model sdxl' },
    { id: 2, line: 'ERROR out of memory' },
    { id: 3, line: 'model loaded' },
  ];
  it('filters by every word, case-insensitively', () => {
    expect(filterLines(lines, 'MODEL').map((l) => l.id)).toEqual([1, 3]);
    expect(filterLines(lines, 'model sdxl').map((l) => l.id)).toEqual([1]);
    expect(filterLines(lines, '  ')).toHaveLength(3);
  });
  it('keeps the newest lines', () => {
    expect(appendCapped([1, 2, 3], [4, 5], 3)).toEqual([3, 4, 5]);
  });
});

describe('idle policy form', () => {
  it('builds the body or says what is wrong with the minutes', () => {
    expect(idleOverrideBody({ minutes: ' 45 ', action: 'stop', disabled: false })).toEqual({
      body: { minutes: 45, action: 'stop', disabled: false },
    });
    expect(idleOverrideBody({ minutes: '', action: 'destroy', disabled: true })).toEqual({
      body: { action: 'destroy', disabled: true },
    });
    expect(idleOverrideBody({ minutes: '0', action: 'stop', disabled: false })).toHaveProperty('error');
    expect(idleOverrideBody({ minutes: '2000', action: 'stop', disabled: false })).toHaveProperty('error');
    expect(idleOverrideBody({ minutes: '1.5', action: 'stop', disabled: false })).toHaveProperty('error');
    expect(issueField('body.minutes')).toBe('minutes');
  });
});

describe('charts', () => {
  const sample = (minute: number, gpu: number | null): ActivitySample => ({
    at: new Date(Date.UTC(2026, 10, 1, 0, minute)).toISOString(),
    gpuPercent: gpu,
    vramUsedMiB: null,
    vramTotalMiB: null,
    busy: null,
  });
  const box = {
    width: 100,
    height: 50,
    from: Date.UTC(2026, 10, 1, 0, 0),
    to: Date.UTC(2026, 10, 1, 0, 100),
    max: 100,
  };

  it('draws a line, and breaks it at missing values and gaps', () => {
    const samples = [sample(0, 0), sample(1, 100), sample(2, null), sample(3, 50), sample(20, 50)];
    expect(chartPath(samples, (s) => s.gpuPercent, box)).toBe('M0.0 50.0 L1.0 0.0 M3.0 25.0 M20.0 25.0');
    expect(chartPath([], (s) => s.gpuPercent, box)).toBe('');
  });

  it('sums a series up', () => {
    expect(seriesStats([10, null, 30])).toEqual({ avg: 20, max: 30, last: 30 });
    expect(seriesStats([null])).toBeNull();
  });
});
