import { describe, expect, it } from 'vitest';
import { manualClock } from '../providers/test-support/fake-server.js';
import { heartbeat } from '../test-support/agents.js';
import { hubRequests } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { idleTestKit, quietFacts } from '../test-support/idle.js';
import { launchAndRegister, useLifecycleHub } from '../test-support/lifecycle.js';

describe.each(testDatabases())('the reconciler keeps the disk of what has run ($engine)', ({ open }) => {
  const clock = manualClock(Date.now());
  const t = useLifecycleHub(open, { deps: { now: clock.now } });
  const k = idleTestKit(t, clock);
  const { agent: agentRequest } = hubRequests(() => t.hub);
  const reconcile = () => t.hub.services.reconciler.reconcileOnce();
  const detail = async (id: string) => (await k.api('GET', `/api/instances/${id}`)).json();
  const rental = (providerId: string) => t.fake.instances().find((i) => String(i.id) === providerId);

  it('a container that exits on its own after ready is stopped as crashed, disk kept, and starts again', async () => {
    const agent = await k.readyInstance('crash-after-ready');
    t.fake.containerExited(agent.providerId);
    expect(await reconcile()).toMatchObject({ crashed: 1, failed: 0, leaksDestroyed: 0, relaunched: 0 });
    expect(await detail(agent.id)).toMatchObject({
      state: 'stopped',
      stopReason: 'crashed',
      stateReason: expect.stringMatching(/container exited on its own \(exited\).*start it again/),
    });
    expect(rental(agent.providerId)).toBeDefined(); // never destroyed
    expect(k.callsFor('destroy', agent.providerId)).toBe(0);
    expect(await k.eventKinds(agent.id)).toContain('crashed');
    expect(await reconcile()).toMatchObject({ crashed: 0 }); // once
    // While stopped it still bills its disk: the launch's 60 GB at the offer's $0.15/GB/month.
    const [priced] = await t.db.query<{ storage: string }>(
      'select storage_price_per_hour as storage from instances where id = $1',
      [agent.id],
    );
    expect(Number(priced?.storage)).toBeCloseTo((0.15 * 60) / 730, 6);

    const started = await k.api('POST', `/api/instances/${agent.id}/start`);
    expect(started.statusCode, started.body).toBe(200);
    expect(await detail(agent.id)).toMatchObject({ state: 'booting', stopReason: null });
    await agent.beat(quietFacts());
    expect((await detail(agent.id)).state).toBe('ready');
  });

  it('a host lost after ready is stopped as crashed, not destroyed', async () => {
    const agent = await k.readyInstance('crash-host-offline');
    t.fake.stuck(agent.providerId, 'offline');
    expect(await reconcile()).toMatchObject({ crashed: 1, leaksDestroyed: 0 });
    expect(await detail(agent.id)).toMatchObject({ state: 'stopped', stopReason: 'crashed' });
    expect(k.callsFor('destroy', agent.providerId)).toBe(0);
  });

  it('a rental that never became ready but holds unsynced outputs is stopped, not replaced', async () => {
    const launched = await launchAndRegister(t, 'tiny', '100019', 'crash-unsynced');
    const beat = heartbeat({
      phase: 'provisioning',
      sentAt: new Date(clock.now()).toISOString(),
      sync: {
        backlogFiles: 2,
        backlogBytes: 2048,
        syncedFiles: 0,
        syncedBytes: 0,
        lastSyncAt: null,
        lastError: null,
      },
    });
    expect((await agentRequest(launched.token, 'POST', 'heartbeat', beat)).statusCode).toBe(200);
    t.fake.containerExited(launched.providerInstanceId);
    expect(await reconcile()).toMatchObject({ crashed: 1, relaunched: 0, leaksDestroyed: 0 });
    expect(await detail(launched.id)).toMatchObject({ state: 'stopped', stopReason: 'crashed' });
    expect(rental(launched.providerInstanceId)).toBeDefined();
  });

  it('a ready instance the provider no longer has is destroyed (outside the hub), not failed', async () => {
    const agent = await k.readyInstance('crash-vanished');
    await (await t.hub.services.providers.get('vastai')).destroy(agent.providerId);
    expect(await reconcile()).toMatchObject({ vanished: 1 });
    expect(await detail(agent.id)).toMatchObject({
      state: 'destroyed',
      stateReason: `the provider no longer has instance ${agent.providerId}`,
    });
    expect(await k.eventKinds(agent.id)).toContain('vanished');
  });

  it('every destroy names its reason in an event', async () => {
    const agent = await k.readyInstance('destroy-says-why');
    const res = await k.api('POST', `/api/instances/${agent.id}/destroy`);
    expect(res.statusCode, res.body).toBe(200);
    const events = (await k.api('GET', `/api/instances/${agent.id}/events?limit=50`)).json().events as {
      kind: string;
      message: string;
    }[];
    expect(events.find((e) => e.kind === 'destroy')?.message).toMatch(/^destroy requested \(/);
  });
});
