import { describe, expect, it } from 'vitest';
import { busyFacts, quietFacts } from '../../test-support/idle.js';
import { activityView, assessIdle, type IdleFacts } from './idle-clock.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const T0 = Date.UTC(2026, 4, 1, 12);

/** A ready instance whose last heartbeat arrived at `beatAt` with `activity`; idle clock at `lastActivityAt`. */
const row = (
  o: Partial<IdleFacts> & { activity?: ReturnType<typeof quietFacts> | null; beatAt?: number },
) => ({
  id: 'i-1',
  name: 'one',
  state: 'ready' as const,
  profilePolicy: { minutes: 30 },
  override: null,
  keepAwakeUntil: null,
  lastActivityAt: new Date(T0),
  warnedAt: null,
  actionAt: null,
  facts: o.activity === null ? null : { activity: o.activity ?? quietFacts() },
  lastHeartbeatAt: o.activity === null ? null : new Date(o.beatAt ?? T0),
  ...o,
});

describe('assessIdle: one judgement for heartbeat, sweep and view', () => {
  it('an output minutes ago keeps the idle clock but not the state: idle, and the badge says idle', () => {
    // The last heartbeat (2 s ago) remembers an output 3 min before it; nothing works now.
    const r = row({
      activity: quietFacts({ secondsSinceOutput: 180 }),
      beatAt: T0 + 10 * MINUTE - 2 * SECOND,
    });
    const now = T0 + 10 * MINUTE;
    const a = assessIdle(r, now, MINUTE);
    expect(a.lastActivityAt).toBe(now - 2 * SECOND - 180 * SECOND);
    expect(a.state).toBe('idle');
    expect(a.busy).toBe(false);
    expect(activityView(r, now, MINUTE)?.busy).toBe(false);
    // The same facts judged at the heartbeat's own arrival give the same answer.
    expect(assessIdle(r, now - 2 * SECOND, MINUTE).state).toBe('idle');
  });

  it('an output within the last idle minute: still ready, but nothing works at this moment', () => {
    const r = row({ activity: quietFacts({ secondsSinceOutput: 20 }), beatAt: T0 + 5 * MINUTE });
    const a = assessIdle(r, T0 + 5 * MINUTE + 3 * SECOND, MINUTE);
    expect(a).toMatchObject({ state: 'ready', busy: false, reasons: ['new output 23 s ago'] });
  });

  it('work shown now counts from the report while it describes the present, never beyond', () => {
    const r = row({ activity: busyFacts(), beatAt: T0 + 5 * MINUTE });
    const fresh = assessIdle(r, T0 + 5 * MINUTE + 50 * SECOND, MINUTE);
    expect(fresh).toMatchObject({ state: 'ready', busy: true, lastActivityAt: T0 + 5 * MINUTE });
    expect(fresh.reasons).toContain('GPU 0 at 97%');
    // The agent went silent: its last busy report keeps nothing awake, the idle clock runs from its arrival.
    const silent = assessIdle(r, T0 + 5 * MINUTE + 2 * MINUTE, MINUTE);
    expect(silent).toMatchObject({ state: 'idle', busy: false, lastActivityAt: T0 + 5 * MINUTE });
    expect(silent.reasons).toEqual(['agent silent for 2 min']);
  });

  it('work shown now keeps a shortened idle minute ready between heartbeats', () => {
    const r = row({ activity: busyFacts(), beatAt: T0 + 5 * MINUTE });
    expect(assessIdle(r, T0 + 5 * MINUTE + 4 * SECOND, SECOND).state).toBe('ready');
  });

  it('without any report the idle clock alone decides', () => {
    const r = row({ activity: null });
    expect(assessIdle(r, T0 + 30 * SECOND, MINUTE)).toMatchObject({ state: 'ready', busy: false });
    expect(assessIdle(r, T0 + 2 * MINUTE, MINUTE)).toMatchObject({
      state: 'idle',
      busy: false,
      reasons: ['no activity report from the agent yet'],
      due: 'none',
      actionAt: T0 + 30 * MINUTE,
    });
  });

  it('on the same stored facts, time alone moves the state ready → idle at most once, never back', () => {
    const cases = {
      quiet: quietFacts(),
      'output 20 s ago': quietFacts({ secondsSinceOutput: 20 }),
      'output 8 min ago': quietFacts({ secondsSinceOutput: 480 }),
      'request 50 s ago, tab open': quietFacts({ secondsSinceRequest: 50, openConnections: 1 }),
      generating: busyFacts({ secondsSinceOutput: 3 }),
    };
    for (const [name, activity] of Object.entries(cases)) {
      const r = row({ activity, beatAt: T0 + 10 * MINUTE, lastActivityAt: new Date(T0 + 5 * MINUTE) });
      const states: string[] = [];
      for (let now = T0 + 10 * MINUTE; now <= T0 + 45 * MINUTE; now += 5 * SECOND) {
        const a = assessIdle(r, now, MINUTE);
        expect(a.busy && a.state === 'idle', `${name}: busy beside idle`).toBe(false);
        expect(activityView(r, now, MINUTE)?.busy, name).toBe(a.busy);
        if (states.at(-1) !== a.state) states.push(a.state);
      }
      expect(states, name).toEqual(
        name === 'output 8 min ago' || name === 'quiet' ? ['idle'] : ['ready', 'idle'],
      );
    }
  });
});
