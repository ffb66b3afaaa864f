import type { ActivityFacts } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../providers/test-support/fake-server.js';
import { InstanceAgentRepository } from '../../repositories/instances.repository.js';
import { LifecycleRepository } from '../../repositories/lifecycle.repository.js';
import { testDatabases } from '../../test-support/databases.js';
import { busyFacts, idleTestKit, quietFacts } from '../../test-support/idle.js';
import { useLifecycleHub } from '../../test-support/lifecycle.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** The agents' heartbeat interval. */
const BEAT = 5 * SECOND;
/** The idle window of the instance under test (an override: a shorter whole window). */
const WINDOW_MINUTES = 10;

/**
 * Issue 17: after any output, heartbeats judged the instance busy and the periodic sweep idle, so the state
 * flapped `ready ⇄ idle` all along the idle window. A heartbeat and a sweep must judge alike, the state
 * history must hold only changes that happened, and the activity badge must agree with the state.
 */
describe.each(testDatabases())('idle judgement: heartbeats and sweeps agree ($engine)', ({ open }) => {
  const clock = manualClock(Date.now());
  const t = useLifecycleHub(open, { deps: { now: clock.now } });
  const k = idleTestKit(t, clock);

  it('busy generation, then quiet: ready → idle once over the whole idle window, the badge agreeing at every step', async () => {
    const agent = await k.readyInstance('idle-flapping');
    const policy = await k.api('PUT', `/api/instances/${agent.id}/idle-policy`, { minutes: WINDOW_MINUTES });
    expect(policy.statusCode).toBe(200);
    const readyAt = (await k.history(agent.id)).length;
    const actionTaken = async () =>
      (
        await t.db.query<{ at: Date | null }>('select idle_action_at as at from instances where id = $1', [
          agent.id,
        ])
      )[0]?.at != null;
    const disagreements: string[] = [];
    let lastOutputAt: number | null = null;
    let idleSeenAt: number | null = null;
    let busyBefore = false; // the last heartbeat (readyInstance's) was quiet
    const sinceOutput = () => (lastOutputAt === null ? null : (clock.now() - lastOutputAt) / 1000);

    /**
     * Reads state and badge as the owner sees them; records any step where they disagree with each other
     * (busy beside idle) or with the facts (`working`: the agent's last heartbeat shows work at this moment).
     */
    const look = async (step: string, working: boolean) => {
      const { state, busy } = await k.seen(agent.id);
      if (busy !== working || (state === 'idle' && busy) || (state !== 'ready' && state !== 'idle'))
        disagreements.push(`${step} at +${(clock.now() - start) / SECOND} s: state ${state}, busy ${busy}`);
      if (state === 'idle' && idleSeenAt === null) idleSeenAt = clock.now();
    };
    /** One 5 s period: a sweep 3 s after the last heartbeat, then the next heartbeat 2 s later. */
    const period = async (working: boolean, facts: () => ActivityFacts) => {
      clock.advance(3 * SECOND);
      await t.hub.services.costWatch.runOnce();
      await look('sweep', busyBefore);
      clock.advance(BEAT - 3 * SECOND);
      await agent.beat(facts());
      busyBefore = working;
      if (!(await actionTaken())) await look('heartbeat', working);
    };
    const start = clock.now();
    // A few minutes of generation: GPU high, a job running, a new output every 40 s.
    while (clock.now() - start < 3 * MINUTE)
      await period(true, () => {
        if ((clock.now() - start) % (40 * SECOND) === 0) lastOutputAt = clock.now();
        return busyFacts({ secondsSinceOutput: sinceOutput() });
      });
    const lastWorkAt = clock.now();
    expect(lastOutputAt).not.toBeNull();
    expect(await k.stateOf(agent.id)).toBe('ready');
    // Then quiet (GPU idle, queue empty; the last output ages), heartbeats every 5 s, sweeps in between,
    // until the idle window has run out and the hub decided to stop the instance.
    while (!(await actionTaken())) {
      expect(clock.now() - lastWorkAt).toBeLessThan(WINDOW_MINUTES * MINUTE + BEAT);
      await period(false, () => quietFacts({ secondsSinceOutput: sinceOutput() }));
    }
    expect(clock.now() - lastWorkAt).toBeGreaterThanOrEqual(WINDOW_MINUTES * MINUTE);
    await k.settle(agent);

    const changes = (await k.history(agent.id)).slice(readyAt);
    const readyIdle = changes.filter((c) => /^(ready|idle):/.test(c));
    expect(readyIdle, `${readyIdle.length} ready/idle changes:\n${changes.join('\n')}`).toHaveLength(1);
    expect(disagreements).toEqual([]);
    expect(readyIdle[0]).toMatch(/^idle: no work for 1 min/);
    expect(changes.map((c) => c.split(':')[0])).toEqual(['idle', 'stopping', 'stopped']);
    // Idle a minute after the last work (within a heartbeat period), stopped at the end of the window.
    expect((idleSeenAt ?? 0) - lastWorkAt).toBeGreaterThanOrEqual(MINUTE);
    expect((idleSeenAt ?? 0) - lastWorkAt).toBeLessThanOrEqual(MINUTE + BEAT);
    expect(await k.stateOf(agent.id)).toBe('stopped');
  }, 180_000);

  it('records no change that did not happen: the state repositories refuse a move from X to X', async () => {
    const agent = await k.readyInstance('idle-no-op');
    const before = await k.history(agent.id);
    // Heartbeats and sweeps that find the instance as they judge it write nothing.
    for (let i = 0; i < 6; i++) {
      clock.advance(BEAT);
      await agent.beat(busyFacts());
      await t.hub.services.costWatch.runOnce();
    }
    expect(await new InstanceAgentRepository(t.db).transition(agent.id, 'ready', 'again')).toBe(false);
    expect(await new LifecycleRepository(t.db).move(agent.id, 'ready', 'again')).toBeNull();
    expect(await k.history(agent.id)).toEqual(before);
    expect(await k.seen(agent.id)).toEqual({ state: 'ready', busy: true });
  });
});
