import { describe, expect, it } from 'vitest';
import {
  AGENT_STATES,
  INSTANCE_TRANSITIONS,
  InstanceState,
  inGroup,
  STATE_GROUPS,
  statesLeadingTo,
} from './instance-states.js';

describe('the instance state machine', () => {
  it('every state is reachable from requested, and destroyed is the end', () => {
    const seen = new Set<InstanceState>(['requested']);
    const queue: InstanceState[] = ['requested'];
    for (let s = queue.shift(); s; s = queue.shift())
      for (const next of INSTANCE_TRANSITIONS[s])
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
    expect([...seen].sort()).toEqual([...InstanceState.options].sort());
    expect(INSTANCE_TRANSITIONS.destroyed).toEqual([]);
  });

  it('from every state but destroyed, the hub can get to destroyed (a destroy always has a way)', () => {
    for (const s of InstanceState.options) {
      if (s === 'destroyed') continue;
      const direct = INSTANCE_TRANSITIONS[s].includes('destroyed');
      const viaStopping = INSTANCE_TRANSITIONS[s].includes('stopping');
      expect(direct || viaStopping || s === 'stopping', s).toBe(true);
    }
  });

  it('failed is only for instances that never became ready: nothing that served goes there', () => {
    for (const s of STATE_GROUPS.serving) expect(INSTANCE_TRANSITIONS[s]).not.toContain('failed');
    expect(INSTANCE_TRANSITIONS.stopped).not.toContain('failed');
  });

  it('the groups say what the states mean', () => {
    expect(AGENT_STATES).toEqual(STATE_GROUPS.live);
    for (const s of STATE_GROUPS.live) expect(inGroup(s, 'billed')).toBe(true);
    for (const s of STATE_GROUPS.settled) expect(inGroup(s, 'billed')).toBe(false);
    expect(inGroup('requested', 'billed')).toBe(false); // nothing rented yet
    expect(inGroup('stopping', 'billed')).toBe(true); // the GPU bills until the stop is done
    for (const s of STATE_GROUPS.startable) expect(INSTANCE_TRANSITIONS[s]).toContain('booting');
    expect(statesLeadingTo('booting')).toEqual(expect.arrayContaining(['launching', 'stopped', 'ready']));
  });
});
