import type { LiveInstance } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { noticesBetween } from './browser-notices';

const instance = (id: string, state: LiveInstance['state'], o: Partial<LiveInstance> = {}) =>
  ({ id, name: `gpu-${id}`, state, stateReason: null, stopReason: null, ...o }) as LiveInstance;

describe('noticesBetween', () => {
  it('announces ready, failed with its reason and stopped with why; nothing without a change', () => {
    const before = [instance('a', 'provisioning'), instance('b', 'provisioning'), instance('c', 'ready')];
    const reason = 'model m: it is not in the library yet and has no URL to fetch it from';
    const after = [
      instance('a', 'ready'),
      instance('b', 'failed', { stateReason: reason }),
      instance('c', 'stopped', { stopReason: 'idle', stateReason: 'idle for 30 min' }),
    ];
    expect(noticesBetween(before, after)).toEqual([
      { title: 'gpu-a is ready', body: 'Its WebUI is up.', tag: 'podpilot-a' },
      { title: 'gpu-b failed', body: reason, tag: 'podpilot-b' },
      { title: 'gpu-c: Stopped after being idle', body: 'idle for 30 min', tag: 'podpilot-c' },
    ]);
    expect(noticesBetween(after, after)).toEqual([]);
  });

  it('says nothing on the first view, of new instances, or of idle and back', () => {
    expect(noticesBetween(undefined, [instance('a', 'failed')])).toEqual([]);
    expect(noticesBetween([], [instance('a', 'failed')])).toEqual([]);
    expect(noticesBetween([instance('a', 'idle')], [instance('a', 'ready')])).toEqual([]);
    expect(noticesBetween([instance('a', 'ready')], [instance('a', 'idle')])).toEqual([]);
  });
});
