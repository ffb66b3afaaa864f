import type { ActivityFacts } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../providers/test-support/fake-server.js';
import { testDatabases } from '../../test-support/databases.js';
import { idleTestKit, quietFacts, type SimulatedAgent } from '../../test-support/idle.js';
import { useLifecycleHub } from '../../test-support/lifecycle.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** The agents' heartbeat interval. */
const BEAT = 5 * SECOND;

const quiet = quietFacts;

describe.each(testDatabases())('idle stopping on a controllable clock ($engine)', ({ open }) => {
  const clock = manualClock(Date.now());
  const t = useLifecycleHub(open, {
    // Short final syncs: the sweep also stops the earlier tests' instances, whose agents no longer answer.
    deps: { now: clock.now, lifecycle: { finalSyncMs: 3_000 } },
  });
  const k = idleTestKit(t, clock);

  const stopCallsFor = (providerId: string) => k.callsFor('stop', providerId);

  /** When the hub decided to stop the instance (by its clock), or null. */
  const actionTakenAt = async (id: string) => {
    const [row] = await t.db.query<{ at: Date | null }>(
      'select idle_action_at as at from instances where id = $1',
      [id],
    );
    return row?.at?.getTime() ?? null;
  };
  const halted = (id: string) => async () => (await actionTakenAt(id)) !== null;

  /**
   * Heartbeats every 5 s of the clock with `facts(elapsed ms)` until `done` holds or `maxMs` of the clock
   * passed; waits a little real time between beats so a final sync under way sees the agent's answer.
   */
  async function drive(
    agent: SimulatedAgent,
    facts: (elapsedMs: number) => ActivityFacts,
    maxMs: number,
    done: () => Promise<boolean> = async () => false,
    step = BEAT,
  ): Promise<number> {
    const start = clock.now();
    while (clock.now() - start < maxMs) {
      clock.advance(step);
      await agent.beat(facts(clock.now() - start));
      if (await done()) return clock.now() - start;
    }
    return clock.now() - start;
  }

  it('does not stop an instance in a long single generation (GPU busy, no new files)', async () => {
    const agent = await k.readyInstance('idle-long-generation');
    const gpuBusy = quiet({
      gpus: [
        { index: 0, name: 'RTX 4090', utilizationPercent: 98, memoryUsedMiB: 20_000, memoryTotalMiB: 24564 },
      ],
      webui: { busy: null, source: 'none', detail: 'ComfyUI: cannot ask the WebUI (timeout)' },
    });
    await drive(agent, () => gpuBusy, 2 * 60 * MINUTE, undefined, MINUTE);
    expect(stopCallsFor(agent.providerId)).toBe(0);
    expect(await k.stateOf(agent.id)).toBe('ready');
    expect(await k.eventKinds(agent.id)).not.toContain('idle.warning');
    const view = (await k.api('GET', `/api/instances/${agent.id}`)).json().activity;
    expect(view).toMatchObject({
      busy: true,
      reasons: ['GPU 0 at 98%'],
      policy: { minutes: 30, source: 'profile' },
    });
  });

  it('stops an instance with only an idle browser connection: warned first, synced, within one heartbeat of the deadline', async () => {
    const agent = await k.readyInstance('idle-open-tab');
    // The last real request came as the test started; the tab stays open and sends nothing since.
    const openTab = (elapsed: number) => quiet({ openConnections: 1, secondsSinceRequest: elapsed / 1000 });
    const t0 = clock.now();
    let warnedAfter: number | null = null;
    // A beat a minute until just before the warning is due (nothing may happen yet), then every 5 s.
    const quietPart = await drive(agent, openTab, 24 * MINUTE, halted(agent.id), MINUTE);
    expect(quietPart).toBe(24 * MINUTE);
    expect(await k.eventKinds(agent.id)).not.toContain('idle.warning');
    const reactedAfter =
      quietPart +
      (await drive(
        agent,
        (elapsed) => openTab(quietPart + elapsed),
        36 * MINUTE,
        async () => {
          if (warnedAfter === null && (await k.eventKinds(agent.id)).includes('idle.warning'))
            warnedAfter = clock.now();
          return halted(agent.id)();
        },
      ));
    await k.settle(agent);
    // The idle clock started at the last request (the start): 30 idle minutes, reacted to within one beat.
    expect(reactedAfter).toBeGreaterThanOrEqual(30 * MINUTE);
    expect(reactedAfter).toBeLessThanOrEqual(30 * MINUTE + BEAT);
    // Warned 5 idle minutes ahead, at the first heartbeat from then on.
    expect((warnedAfter ?? 0) - t0).toBeGreaterThanOrEqual(25 * MINUTE);
    expect((warnedAfter ?? 0) - t0).toBeLessThanOrEqual(25 * MINUTE + BEAT);
    expect(await k.eventKinds(agent.id)).toEqual(expect.arrayContaining(['idle.warning', 'idle.action']));
    const kinds = await k.eventKinds(agent.id);
    expect(kinds.indexOf('idle.warning')).toBeLessThan(kinds.indexOf('idle.action'));
    // The final sync was confirmed before the provider was asked to stop.
    expect(agent.stopsWhenSynced).toEqual([0]);
    expect(stopCallsFor(agent.providerId)).toBe(1);
    expect(await k.stateOf(agent.id)).toBe('stopped');
    const steps = await k.history(agent.id);
    expect(steps).toContainEqual(expect.stringMatching(/^idle: no work for/));
    expect(steps).toContainEqual(expect.stringMatching(/^stopping: idle 30 min \(.*final sync: synced\)$/));
  });

  it('honours keep-awake until it expires', async () => {
    const agent = await k.readyInstance('idle-keep-awake');
    const until = new Date(clock.now() + 2 * 60 * MINUTE);
    const kept = await k.api('POST', `/api/instances/${agent.id}/keep-awake`, { until: until.toISOString() });
    expect(kept.statusCode).toBe(200);
    expect(kept.json().activity).toMatchObject({
      keepAwakeUntil: until.toISOString(),
      actionAt: until.toISOString(),
    });
    const start = clock.now();
    // A beat a minute while held (nothing may happen), then every 5 s around the expiry.
    const held = await drive(agent, () => quiet(), 2 * 60 * MINUTE - 5 * MINUTE, halted(agent.id), MINUTE);
    expect(held).toBe(2 * 60 * MINUTE - 5 * MINUTE);
    expect(await actionTakenAt(agent.id)).toBeNull();
    const reactedAfter = held + (await drive(agent, () => quiet(), 60 * MINUTE, halted(agent.id)));
    await k.settle(agent);
    expect(start + reactedAfter).toBeGreaterThanOrEqual(until.getTime());
    expect(start + reactedAfter).toBeLessThanOrEqual(until.getTime() + BEAT);
    expect(await k.stateOf(agent.id)).toBe('stopped');
  });

  it('refuses a keep-awake in the past or too far ahead, naming the field', async () => {
    const agent = await k.readyInstance('idle-keep-awake-bad');
    const past = await k.api('POST', `/api/instances/${agent.id}/keep-awake`, {
      until: new Date(clock.now() - MINUTE).toISOString(),
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.message).toBe('body.until: expected a time in the future');
    const far = await k.api('POST', `/api/instances/${agent.id}/keep-awake`, {
      until: new Date(clock.now() + 30 * 24 * 60 * MINUTE).toISOString(),
    });
    expect(far.statusCode).toBe(400);
    expect(far.json().error.message).toContain('body.until');
    expect((await k.api('GET', `/api/instances/${agent.id}`)).json().activity.keepAwakeUntil).toBeNull();
  });

  it('cancels the warning when work resumes', async () => {
    const agent = await k.readyInstance('idle-resumes');
    await k.api('PUT', `/api/instances/${agent.id}/idle-policy`, { minutes: 10 });
    await drive(agent, () => quiet(), 6 * MINUTE); // warned at 10 - 5 min
    expect(await k.eventKinds(agent.id)).toContain('idle.warning');
    await agent.beat(quiet({ webui: { busy: true, source: 'api', detail: 'ComfyUI: 1 running, 0 queued' } }));
    expect(await k.eventKinds(agent.id)).toContain('idle.cancelled');
    expect(await k.stateOf(agent.id)).toBe('ready');
    await drive(agent, () => quiet(), 8 * MINUTE);
    expect(stopCallsFor(agent.providerId)).toBe(0);
    await k.api('PUT', `/api/instances/${agent.id}/idle-policy`, { disabled: true });
    await drive(agent, () => quiet(), 60 * MINUTE, undefined, MINUTE);
    expect(stopCallsFor(agent.providerId)).toBe(0);
    expect((await k.api('GET', `/api/instances/${agent.id}`)).json().activity).toMatchObject({
      actionAt: null,
      policy: { disabled: true, source: 'override', minutes: 30 }, // left-out fields: the profile's
    });
  });

  it('destroys per policy, and judges a silent agent idle in the periodic sweep', async () => {
    const agent = await k.readyInstance('idle-silent');
    const bad = await k.api('PUT', `/api/instances/${agent.id}/idle-policy`, { minutes: 0, action: 'halt' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/body\.(minutes|action)/);
    await k.api('PUT', `/api/instances/${agent.id}/idle-policy`, { minutes: 5, action: 'destroy' });
    // The agent goes silent; the sweep alone decides.
    for (let i = 0; i < 4 && (await k.stateOf(agent.id)) !== 'stopping'; i++) {
      clock.advance(3 * MINUTE);
      await t.hub.services.costWatch.runOnce();
      await new Promise((r) => setTimeout(r, 50));
    }
    // The agent answers the final sync (it was quiet, not dead); a dead one would time out the sync.
    await k.settle(agent);
    expect(k.callsFor('destroy', agent.providerId)).toBe(1);
    expect(await k.history(agent.id)).toContainEqual(
      expect.stringMatching(/^stopping: idle 5 min \(.*agent silent for \d+ min.*final sync: synced\)$/),
    );
    expect(await k.stateOf(agent.id)).toBe('destroyed');
    expect(agent.stopsWhenSynced).toEqual([0]);
  });
});
