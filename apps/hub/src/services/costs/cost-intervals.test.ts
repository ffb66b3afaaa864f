import { describe, expect, it } from 'vitest';
import {
  type CostTransition,
  daysOf,
  type InstanceCostFacts,
  instanceCost,
  monthWindow,
  round6,
} from './cost-intervals.js';

const at = (iso: string) => Date.parse(iso);
const t = (toState: string, time: string, pricePerHour: number | null = null): CostTransition => ({
  toState,
  at: at(time),
  pricePerHour,
});
const facts = (
  transitions: CostTransition[],
  pricePerHour: number | null = 1,
  storagePricePerHour: number | null = null,
): InstanceCostFacts => ({ pricePerHour, storagePricePerHour, transitions });
const NOVEMBER = monthWindow('2026-11', at('2026-12-15T00:00:00Z'));
const dayMap = (m: Map<string, number>) => Object.fromEntries([...m].map(([day, usd]) => [day, round6(usd)]));

describe('instanceCost', () => {
  it('bills GPU states at the transition price and nothing before booting or after destroy', () => {
    const cost = instanceCost(
      facts([
        t('requested', '2026-11-10T10:00:00Z'),
        t('launching', '2026-11-10T10:00:00Z'),
        t('booting', '2026-11-10T11:00:00Z', 0.5),
        t('ready', '2026-11-10T11:30:00Z', 0.5),
        t('idle', '2026-11-10T13:00:00Z', 0.5),
        t('stopping', '2026-11-10T13:30:00Z', 0.5),
        t('destroyed', '2026-11-10T14:00:00Z', 0.5),
      ]),
      NOVEMBER,
      at('2026-11-20T00:00:00Z'),
    );
    expect(cost.gpuHours).toBe(3);
    expect(cost.usd).toBe(1.5);
    expect(cost.priceUnknown).toBe(false);
    expect(cost.lastGpuPrice).toBe(0.5);
    expect(dayMap(cost.byDay)).toEqual({ '2026-11-10': 1.5 });
  });

  it('splits an interval across midnight by UTC day', () => {
    const cost = instanceCost(
      facts([t('ready', '2026-11-10T22:00:00Z', 0.6), t('destroyed', '2026-11-11T03:00:00Z')]),
      NOVEMBER,
      at('2026-11-20T00:00:00Z'),
    );
    expect(round6(cost.usd)).toBe(3);
    expect(dayMap(cost.byDay)).toEqual({ '2026-11-10': 1.2, '2026-11-11': 1.8 });
  });

  it('splits a stretch of several days, one entry per day', () => {
    const cost = instanceCost(
      facts([t('ready', '2026-11-01T12:00:00Z', 1)]),
      NOVEMBER,
      at('2026-11-03T06:00:00Z'),
    );
    expect(dayMap(cost.byDay)).toEqual({ '2026-11-01': 12, '2026-11-02': 24, '2026-11-03': 6 });
    expect(cost.gpuHours).toBe(42);
  });

  it('clips to the month on both sides', () => {
    const cost = instanceCost(
      facts([t('ready', '2026-10-31T20:00:00Z', 1), t('destroyed', '2026-12-01T02:00:00Z')]),
      NOVEMBER,
      at('2026-12-15T00:00:00Z'),
    );
    expect(cost.gpuHours).toBe(30 * 24);
    expect(round6(cost.usd)).toBe(720);
    expect([...cost.byDay.keys()][0]).toBe('2026-11-01');
    expect([...cost.byDay.keys()].at(-1)).toBe('2026-11-30');
    const october = instanceCost(
      facts([t('ready', '2026-10-31T20:00:00Z', 1), t('destroyed', '2026-12-01T02:00:00Z')]),
      monthWindow('2026-10', 0),
      at('2026-12-15T00:00:00Z'),
    );
    expect(october.usd).toBe(4);
  });

  it('runs the last interval up to now, and not beyond it', () => {
    const cost = instanceCost(
      facts([t('ready', '2026-11-10T10:00:00Z', 2)]),
      NOVEMBER,
      at('2026-11-10T10:30:00Z'),
    );
    expect(cost.usd).toBe(1);
    expect(cost.gpuHours).toBe(0.5);
  });

  it('bills each stretch at its own price after a relaunch onto another offer', () => {
    const cost = instanceCost(
      facts(
        [
          t('ready', '2026-11-10T10:00:00Z', 0.4),
          t('failed', '2026-11-10T12:00:00Z', 0.4),
          t('launching', '2026-11-10T12:00:00Z', 0.9),
          t('booting', '2026-11-10T12:30:00Z', 0.9),
          t('ready', '2026-11-10T13:00:00Z', 0.9),
          t('destroyed', '2026-11-10T14:00:00Z', 0.9),
        ],
        0.9,
      ),
      NOVEMBER,
      at('2026-11-20T00:00:00Z'),
    );
    expect(round6(cost.usd)).toBe(2.15);
    expect(cost.gpuHours).toBe(3.5);
    expect(cost.lastGpuPrice).toBe(0.9);
  });

  it('falls back to the current price for transitions recorded without one', () => {
    const cost = instanceCost(
      facts([t('ready', '2026-11-10T10:00:00Z', null), t('destroyed', '2026-11-10T12:00:00Z')], 0.25),
      NOVEMBER,
      at('2026-11-20T00:00:00Z'),
    );
    expect(cost.usd).toBe(0.5);
    expect(cost.priceUnknown).toBe(false);
  });

  it('bills only storage while stopped', () => {
    const cost = instanceCost(
      facts(
        [
          t('ready', '2026-11-10T10:00:00Z', 1),
          t('stopping', '2026-11-10T11:00:00Z', 1),
          t('stopped', '2026-11-10T11:00:00Z', 1),
          t('booting', '2026-11-10T21:00:00Z', 1),
          t('destroyed', '2026-11-10T22:00:00Z', 1),
        ],
        1,
        0.01,
      ),
      NOVEMBER,
      at('2026-11-20T00:00:00Z'),
    );
    expect(cost.gpuHours).toBe(2);
    // 2 h of GPU + disk at 1.01, 10 h of disk only at 0.01.
    expect(round6(cost.usd)).toBe(2.12);
  });

  it('counts a GPU stretch without any known price as 0 and says so', () => {
    const cost = instanceCost(
      facts([t('ready', '2026-11-10T10:00:00Z', null), t('destroyed', '2026-11-10T12:00:00Z')], null, 0.02),
      NOVEMBER,
      at('2026-11-20T00:00:00Z'),
    );
    expect(cost.priceUnknown).toBe(true);
    expect(cost.gpuHours).toBe(2);
    expect(round6(cost.usd)).toBe(0.04);
    expect(cost.lastGpuPrice).toBeNull();
  });

  it('does not flag an unknown price outside the window', () => {
    const cost = instanceCost(
      facts(
        [
          t('ready', '2026-10-10T10:00:00Z', null),
          t('stopped', '2026-10-10T12:00:00Z'),
          t('destroyed', '2026-11-02T00:00:00Z'),
        ],
        null,
      ),
      NOVEMBER,
      at('2026-11-20T00:00:00Z'),
    );
    expect(cost).toMatchObject({ usd: 0, gpuHours: 0, priceUnknown: false });
  });

  it('is empty for an instance that never got past launching', () => {
    const cost = instanceCost(
      facts([t('requested', '2026-11-10T10:00:00Z'), t('launching', '2026-11-10T10:00:01Z')]),
      NOVEMBER,
      at('2026-11-20T00:00:00Z'),
    );
    expect(cost).toMatchObject({ usd: 0, gpuHours: 0, priceUnknown: false, lastGpuPrice: null });
    expect(cost.byDay.size).toBe(0);
    expect(cost.billed).toBe(false);
  });

  it('bills launching from the provider billing start on, GPU and storage, not before', () => {
    const cost = instanceCost(
      {
        ...facts(
          [
            t('requested', '2026-11-10T10:00:00Z'),
            t('launching', '2026-11-10T10:00:00Z', 0.5),
            t('booting', '2026-11-10T11:00:00Z', 0.5),
            t('destroyed', '2026-11-10T12:00:00Z', 0.5),
          ],
          0.5,
          0.1,
        ),
        // The image pulled for 30 min, then the provider ran the rental (and billed it) before the agent came.
        gpuBillingStarts: [at('2026-11-10T10:30:00Z')],
      },
      NOVEMBER,
      at('2026-11-20T00:00:00Z'),
    );
    expect(cost.gpuHours).toBe(1.5);
    expect(round6(cost.usd)).toBe(0.9);
    expect(cost.billed).toBe(true);
  });

  it('bills a launching instance still waiting for its agent up to now, and only its own stretch', () => {
    const transitions = [
      t('launching', '2026-11-10T10:00:00Z', 1),
      // A relaunch: the first rental never ran; the second one runs from 10:40.
      t('launching', '2026-11-10T10:20:00Z', 1),
    ];
    const cost = instanceCost(
      { ...facts(transitions), gpuBillingStarts: [at('2026-11-10T10:40:00Z')] },
      NOVEMBER,
      at('2026-11-10T11:10:00Z'),
    );
    expect(round6(cost.gpuHours)).toBe(0.5);
    expect(round6(cost.usd)).toBe(0.5);
    // A billing start outside every launching stretch (or before the window) bills nothing of launching.
    const none = instanceCost(
      { ...facts(transitions), gpuBillingStarts: [at('2026-11-10T09:00:00Z')] },
      NOVEMBER,
      at('2026-11-10T11:10:00Z'),
    );
    expect(none).toMatchObject({ usd: 0, gpuHours: 0, billed: false });
  });
});

describe('monthWindow and daysOf', () => {
  it('turns a month into a UTC window, the current one by default', () => {
    expect(monthWindow('2026-12', 0)).toEqual({
      month: '2026-12',
      from: at('2026-12-01T00:00:00Z'),
      to: at('2027-01-01T00:00:00Z'),
    });
    expect(monthWindow(undefined, at('2026-02-14T23:59:00Z')).month).toBe('2026-02');
  });

  it('lists the days of the month up to today', () => {
    const feb = monthWindow('2028-02', 0);
    expect(daysOf(feb, at('2028-03-10T00:00:00Z'))).toHaveLength(29);
    expect(daysOf(feb, at('2028-02-03T12:00:00Z'))).toEqual(['2028-02-01', '2028-02-02', '2028-02-03']);
    expect(daysOf(feb, at('2028-01-31T12:00:00Z'))).toEqual([]);
  });
});
