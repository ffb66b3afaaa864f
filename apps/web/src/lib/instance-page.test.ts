import { describe, expect, it } from 'vitest';
import { type HeadlineInput, headline, pageSections } from './instance-page';

const base: HeadlineInput = {
  state: 'ready',
  stateReason: null,
  stopReason: null,
  provider: 'vastai',
  activity: null,
  phase: null,
  providerStatus: null,
  bootDeadlineAt: null,
};
const now = Date.parse('2026-12-07T10:00:00Z');

describe('pageSections', () => {
  it('shows a destroyed instance without snapshot, charts, idle controls or a following log', () => {
    expect(pageSections('destroyed')).toEqual({
      provisioning: false,
      idle: false,
      snapshot: false,
      activity: false,
      outputs: true,
      followLog: false,
      relaunch: true,
    });
  });

  it('offers no idle controls or snapshot for a failed instance, and relaunch', () => {
    expect(pageSections('failed')).toMatchObject({
      idle: false,
      snapshot: false,
      activity: false,
      relaunch: true,
    });
  });

  it('shows everything that applies to a ready instance, and no relaunch', () => {
    expect(pageSections('ready')).toEqual({
      provisioning: false,
      idle: true,
      snapshot: true,
      activity: true,
      outputs: true,
      followLog: true,
      relaunch: false,
    });
  });

  it('keeps a launching instance to its log and history', () => {
    expect(pageSections('launching')).toMatchObject({
      idle: false,
      snapshot: false,
      activity: false,
      outputs: false,
      followLog: true,
    });
    expect(pageSections('stopped')).toMatchObject({
      idle: false,
      snapshot: false,
      activity: true,
      followLog: false,
    });
    expect(pageSections('provisioning')).toMatchObject({ provisioning: true, idle: true, snapshot: false });
  });
});

describe('headline', () => {
  it('states the failure reason itself', () => {
    const reason = 'model sdxl-refiner: it is not in the library yet and has no URL to fetch it from';
    expect(headline({ ...base, state: 'failed', stateReason: reason }, now)).toEqual({
      tone: 'error',
      title: 'Failed',
      detail: reason,
      countdown: null,
    });
  });

  it("shows the provider's phase and message and the boot deadline counting down while launching", () => {
    const h = headline(
      {
        ...base,
        state: 'launching',
        providerStatus: { phase: 'loading', message: 'pulling image…', at: '2026-12-07T09:59:00Z' },
        bootDeadlineAt: '2026-12-07T10:12:30Z',
      },
      now,
    );
    expect(h).toMatchObject({
      tone: 'progress',
      title: 'Launching',
      detail: 'vastai: loading — pulling image…',
    });
    expect(h.countdown).toBe('Given up in 12 min');
    expect(
      headline({ ...base, state: 'launching', bootDeadlineAt: '2026-12-07T09:00:00Z' }, now).countdown,
    ).toBe('Given up any moment now');
  });

  it('reads hubs without provider status', () => {
    const h = headline({ ...base, state: 'launching' }, now);
    expect(h.detail).toBe('Waiting for vastai to report the machine.');
    expect(h.countdown).toBeNull();
  });

  it('names who stopped it and why a crash stopped it', () => {
    const h = headline(
      { ...base, state: 'stopped', stopReason: 'crashed', stateReason: 'the WebUI exited 3 times' },
      now,
    );
    expect(h).toMatchObject({
      tone: 'warn',
      title: 'Stopped: it crashed',
      detail: 'the WebUI exited 3 times',
    });
    expect(headline({ ...base, state: 'stopped', stopReason: 'owner' }, now).tone).toBe('muted');
  });

  it('counts down to the idle stop when ready', () => {
    const activity = {
      busy: false,
      reasons: ['GPU below 5 % for 10 min'],
      actionAt: '2026-12-07T10:05:00Z',
      policy: { action: 'stop', minutes: 15, source: 'profile', disabled: false },
    } as unknown as HeadlineInput['activity'];
    const h = headline({ ...base, state: 'idle', activity }, now);
    expect(h).toMatchObject({
      tone: 'warn',
      title: 'Idle',
      detail: 'GPU below 5 % for 10 min',
      countdown: 'stops in 5 min',
    });
  });
});
