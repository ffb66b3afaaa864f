import { describe, expect, it } from 'vitest';
import { manualClock } from '../providers/test-support/fake-server.js';
import { type TestDatabase as Engine, testDatabases } from '../test-support/databases.js';
import { idleTestKit, quietFacts } from '../test-support/idle.js';
import { launchOnFake, useLifecycleHub } from '../test-support/lifecycle.js';

const MINUTE = 60_000;

/**
 * A hub of its own for each case: the database stamps state changes with its own clock, so one case's
 * advanced test clock must not age the next case's instances.
 */
function withHub(engine: Engine) {
  const clock = manualClock(Date.now());
  const t = useLifecycleHub(engine.open, { deps: { now: clock.now } });
  const k = idleTestKit(t, clock);
  /** One pass of the deadline watch: the kinds of deadline it acted on for `id`. */
  const deadlines = async (id: string) =>
    (await t.hub.services.deadlines.runOnce()).filter((a) => a.instanceId === id).map((a) => a.deadline.kind);
  const detail = async (id: string) => (await k.api('GET', `/api/instances/${id}`)).json();
  return { clock, t, k, deadlines, detail };
}

describe.each(testDatabases())('lifecycle deadlines on the Vast.ai fake ($engine)', (engine) => {
  describe('never registered', () => {
    const { clock, t, k, deadlines, detail } = withHub(engine);
    it('an instance running at the provider whose agent never reports is stopped 15 min after it runs', async () => {
      const launched = await launchOnFake(t, {
        offerId: 100_010,
        idempotencyKey: 'deadline-never-registers',
      });
      const { id, providerInstanceId } = launched.json();
      await t.hub.services.reconciler.reconcileOnce(); // sees the rental running
      clock.advance(14 * MINUTE);
      expect(await deadlines(id)).toEqual([]);
      expect((await detail(id)).state).toBe('launching');

      clock.advance(2 * MINUTE);
      expect(await deadlines(id)).toEqual(['register']);
      expect(await detail(id)).toMatchObject({
        state: 'stopped',
        stopReason: 'deadline',
        stateReason: expect.stringContaining('did not report within 15 min'),
      });
      expect(k.callsFor('stop', providerInstanceId)).toBe(1);
      expect(k.callsFor('destroy', providerInstanceId)).toBe(0); // a stop keeps the disk
      expect(await k.eventKinds(id)).toContain('deadline.register');
      expect(await deadlines(id)).toEqual([]); // stopped bills no GPU: nothing more to judge
    });
  });

  describe('agent silent', () => {
    const { clock, k, deadlines, detail } = withHub(engine);
    it('a ready instance whose agent falls silent is stopped after 10 min, told once', async () => {
      const agent = await k.readyInstance('deadline-silent');
      clock.advance(9 * MINUTE);
      expect(await deadlines(agent.id)).toEqual([]);
      await agent.beat(quietFacts()); // still alive: the wait starts again
      clock.advance(9 * MINUTE);
      expect(await deadlines(agent.id)).toEqual([]);

      clock.advance(2 * MINUTE);
      expect(await deadlines(agent.id)).toEqual(['silent']);
      expect(await detail(agent.id)).toMatchObject({ state: 'stopped', stopReason: 'deadline' });
      expect((await k.eventKinds(agent.id)).filter((e) => e === 'deadline.silent')).toHaveLength(1);
      // `start` works from a deadline stop, and the stop reason goes with the stop.
      const started = await k.api('POST', `/api/instances/${agent.id}/start`);
      expect(started.statusCode, started.body).toBe(200);
      expect(await detail(agent.id)).toMatchObject({ state: 'booting', stopReason: null });
    });
  });

  describe('provisioning stalled', () => {
    const { clock, k, deadlines, detail } = withHub(engine);
    it('provisioning that reports heartbeats but makes no progress is stopped after 20 min', async () => {
      const agent = await k.readyInstance('deadline-stalled');
      await agent.beat(quietFacts(), 'provisioning'); // e.g. a profile re-applied
      expect((await detail(agent.id)).state).toBe('provisioning');
      for (let minute = 5; minute < 20; minute += 5) {
        clock.advance(5 * MINUTE);
        await agent.beat(quietFacts(), 'provisioning');
        expect(await deadlines(agent.id)).toEqual([]);
      }
      clock.advance(6 * MINUTE);
      await agent.beat(quietFacts(), 'provisioning');
      const acting = deadlines(agent.id);
      await k.settle(agent, 'provisioning');
      expect(await acting).toEqual(['provision']);
      expect(await detail(agent.id)).toMatchObject({ state: 'stopped', stopReason: 'deadline' });
    });
  });

  describe('stop unfinished', () => {
    const { clock, t, k, deadlines, detail } = withHub(engine);
    it('a stop that does not finish is reported once and retried by the reconciler, never given up', async () => {
      const agent = await k.readyInstance('deadline-stuck-stop');
      for (let i = 0; i < 10; i++) t.fake.fail('stop', { status: 500 }); // more than the client's retries
      const stopped = await k.api('POST', `/api/instances/${agent.id}/stop`);
      expect(stopped.statusCode, stopped.body).toBe(200);
      expect((await detail(agent.id)).state).toBe('stopping');
      clock.advance(11 * MINUTE);
      expect(await deadlines(agent.id)).toEqual(['stopping']);
      await deadlines(agent.id);
      expect((await k.eventKinds(agent.id)).filter((e) => e === 'deadline.stopping')).toHaveLength(1);
      expect((await detail(agent.id)).state).toBe('stopping');
    });
  });
});
