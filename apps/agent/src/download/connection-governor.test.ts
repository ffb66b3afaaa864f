import { describe, expect, it } from 'vitest';
import { ConnectionGovernor, HOLD_PERIODS } from './connection-governor.js';

/** Feeds one warm-up period and one measured period at `rate`; returns the count it asks for then. */
const measure = (governor: ConnectionGovernor, rate: number) => {
  governor.sample(0); // the period right after a change is not measured
  return governor.sample(rate);
};

describe('ConnectionGovernor', () => {
  it('doubles while each doubling pays, up to the most allowed', () => {
    const governor = new ConnectionGovernor(4, 16);
    expect(governor.connections).toBe(4);
    expect(measure(governor, 40)).toBe(8); // the first measurement: grow
    expect(measure(governor, 80)).toBe(16); // +100%: grow again
    expect(measure(governor, 160)).toBe(16); // at the most allowed
    expect(measure(governor, 1000)).toBe(16);
  });

  it('goes back to the count before a doubling that did not raise the throughput by 10%, and holds it', () => {
    const governor = new ConnectionGovernor(4, 16);
    measure(governor, 100); // -> 8
    expect(measure(governor, 105)).toBe(4); // +5%: not worth the connections
    governor.sample(0); // warm-up after the change
    for (let i = 0; i < HOLD_PERIODS; i++) expect(governor.sample(500)).toBe(4); // held, whatever the rate
    expect(governor.sample(100)).toBe(8); // then tried again, from a fresh measurement
  });

  it('ignores the period right after a change', () => {
    const governor = new ConnectionGovernor(2, 8);
    expect(governor.sample(1)).toBe(2); // warm-up, whatever the rate
    expect(governor.sample(100)).toBe(4);
    expect(governor.sample(1)).toBe(4); // the new connections were still starting
    expect(governor.sample(250)).toBe(8);
  });

  it('takes one connection away per refusal, and grows past what was left only after holding it', () => {
    const governor = new ConnectionGovernor(8, 16);
    expect(governor.throttled()).toBe(7);
    expect(governor.throttled()).toBe(6);
    governor.sample(0); // warm-up after the change
    for (let i = 0; i < HOLD_PERIODS; i++) expect(governor.sample(1e9)).toBe(6);
    expect(governor.sample(100)).toBe(12); // the server may give more now (another download ended)
    for (let i = 0; i < 20; i++) governor.throttled();
    expect(governor.connections).toBe(1); // never below one
  });

  it('says when the cap from outside, not its own ceiling, stopped a growth it wanted', () => {
    const governor = new ConnectionGovernor(4, 16);
    governor.limitTo(4);
    expect(measure(governor, 100)).toBe(4); // wanted 8, capped at 4
    expect(governor.takeWantsMore()).toBe(true);
    expect(governor.takeWantsMore()).toBe(false); // told once
    const free = new ConnectionGovernor(16, 16);
    measure(free, 100); // at its own ceiling: nothing to ask for
    expect(free.takeWantsMore()).toBe(false);
  });

  it('keeps its bounds sane', () => {
    expect(new ConnectionGovernor(32, 16).connections).toBe(16);
    expect(new ConnectionGovernor(0, 0).connections).toBe(1);
  });
});
