import { describe, expect, it } from 'vitest';
import { hubRequests } from '../../test-support/app.js';
import { testDatabases } from '../../test-support/databases.js';
import {
  bootstrapTokenOf as bootstrapTokenOfRental,
  launchOnFake,
  useLifecycleHub,
} from '../../test-support/lifecycle.js';

describe.each(testDatabases())('lifecycle with the Vast.ai fake ($engine)', ({ open }) => {
  const t = useLifecycleHub(open);

  const { owner: api } = hubRequests(() => t.hub);
  const launch = (key: string, offerId = '100000', relaunch?: number) =>
    launchOnFake(t, { offerId, idempotencyKey: key, relaunch });
  const podpilotIds = () => t.fake.instances().map((i) => i.label);
  const rentalsOf = (id: string) => t.fake.instances().filter((i) => i.label === `podpilot-${id}`);
  const history = async (id: string) =>
    (await api('GET', `/api/instances/${id}/transitions`))
      .json()
      .transitions.map(
        (h: { from: string | null; to: string; cause: string }) => `${h.from}→${h.to}: ${h.cause}`,
      );
  const bootstrapTokenOf = (id: string) => bootstrapTokenOfRental(t.fake, id);

  it('merges offers from every configured provider, cheapest first', async () => {
    const res = await api('GET', '/api/offers?limit=5');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.offers.map((o: { provider: string }) => o.provider)).toEqual([
      'local',
      'vastai',
      'vastai',
      'vastai',
      'vastai',
    ]);
    expect(body.unavailable).toEqual([
      { provider: 'runpod', reason: expect.stringContaining('runpod.api_key') },
    ]);
  });

  it('launches once per idempotency key', async () => {
    const first = await launch('key-once-0001');
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      state: 'launching',
      provider: 'vastai',
      providerInstanceId: expect.any(String),
    });
    const again = await launch('key-once-0001');
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(t.fake.callsTo('launch')).toHaveLength(1);
    expect(podpilotIds()).toEqual([`podpilot-${first.json().id}`]);
  });

  it('names the profile when it is unknown', async () => {
    const res = await launch('key-unknown-profile');
    expect(res.statusCode).toBe(201);
    const bad = await launchOnFake(t, {
      profile: 'nope@3',
      offerId: '100003',
      idempotencyKey: 'key-bad-profile',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toBe('body.profile');
  });

  it('adopts a rental whose answer was lost instead of renting again', async () => {
    t.fake.loseResponse('launch');
    const res = await launch('key-lost-0001', '100005');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ state: 'launching', providerInstanceId: null });
    const retry = await launch('key-lost-0001', '100005');
    expect(retry.json().providerInstanceId).toEqual(expect.any(String));
    const report = await t.hub.services.reconciler.reconcileOnce();
    expect(report.leaksDestroyed).toBe(0);
    expect(podpilotIds().filter((l) => l === `podpilot-${res.json().id}`)).toHaveLength(1);
  });

  it('fails a launch with no capacity, keeps an unanswered one for the reconciler', async () => {
    t.fake.takeOffer(100_007);
    const gone = await launch('key-nocap-0001', '100007', 0);
    expect(gone.json()).toMatchObject({ state: 'failed', stateReason: expect.stringContaining('100007') });
    t.fake.fail('launch', { status: 503 });
    const unknown = await launch('key-503-0001', '100008');
    expect(unknown.json().state).toBe('launching');
    await t.hub.services.reconciler.reconcileOnce();
    const after = await api('GET', `/api/instances/${unknown.json().id}`);
    expect(after.json()).toMatchObject({
      state: 'failed',
      stateReason: expect.stringContaining('no instance'),
    });
  });

  it('stops, starts and destroys, recording every transition', async () => {
    const { id } = (await launch('key-cycle-0001', '100010')).json();
    expect((await api('POST', `/api/instances/${id}/stop`)).json().state).toBe('stopped');
    expect(t.fake.instances().find((i) => i.label === `podpilot-${id}`)?.intended_status).toBe('stopped');
    expect((await api('POST', `/api/instances/${id}/start`)).json().state).toBe('booting');
    t.fake.lingerAfterDestroy(
      String((await api('GET', `/api/instances/${id}`)).json().providerInstanceId),
      2,
    );
    const pending = await api('POST', `/api/instances/${id}/destroy`);
    expect(pending.json().state).toBe('stopping');
    await t.hub.services.reconciler.reconcileOnce();
    expect((await api('GET', `/api/instances/${id}`)).json().state).toBe('destroyed');
    expect(podpilotIds()).not.toContain(`podpilot-${id}`);
    const history = (await api('GET', `/api/instances/${id}/transitions`)).json().transitions;
    expect(history.map((h: { from: string | null; to: string }) => `${h.from}→${h.to}`)).toEqual([
      'null→requested',
      'requested→launching',
      'launching→stopping',
      'stopping→stopped',
      'stopped→booting',
      'booting→stopping',
      'stopping→destroyed',
    ]);
    expect(history.every((h: { cause: string }) => h.cause.length > 0)).toBe(true);
  });

  it('destroys labelled rentals the hub does not know, and marks vanished instances', async () => {
    const { id } = (await launch('key-vanish-0001', '100012')).json();
    const stranger = await t.hub.services.providers.get('vastai');
    await stranger.launch({
      instanceId: '00000000-0000-4000-8000-00000000beef',
      offerId: '100013',
      image: 'x',
      env: {},
      diskGb: 10,
      ports: [],
    });
    const row = (await api('GET', `/api/instances/${id}`)).json();
    await stranger.destroy(row.providerInstanceId);
    const report = await t.hub.services.reconciler.reconcileOnce();
    expect(report).toMatchObject({ leaksDestroyed: 1, vanished: 1 });
    expect(podpilotIds()).not.toContain('podpilot-00000000-0000-4000-8000-00000000beef');
    expect((await api('GET', `/api/instances/${id}`)).json()).toMatchObject({ state: 'failed' });
  });
  it('relaunches a rental that never runs on another offer, then fails when no relaunch is left', async () => {
    const first = (await launch('key-relaunch-0001', '100015')).json();
    const { id } = first;
    const firstToken = bootstrapTokenOf(id);
    t.fake.stuck(first.providerInstanceId, 'exited');
    const report = await t.hub.services.reconciler.reconcileOnce();
    expect(report).toMatchObject({ relaunched: 1, failed: 0, leaksDestroyed: 0 });
    const row = (await api('GET', `/api/instances/${id}`)).json();
    expect(row).toMatchObject({ state: 'launching', providerInstanceId: expect.any(String) });
    expect(row.providerInstanceId).not.toBe(first.providerInstanceId);
    const held = rentalsOf(id);
    expect(held).toHaveLength(1);
    expect(held[0]?.actual_status).toBe('running');
    const rented = t.fake.callsTo('launch').map((c) => c.path);
    expect(rented.at(-1)).not.toContain('100015');
    expect(t.fake.offers().find((o) => o.id === 100_015)?.rented).toBe(false);
    // The replacement was priced with the launch's disk, as the original offer was (default 60 GB).
    expect(t.fake.callsTo('search').at(-1)?.body).toMatchObject({ allocated_storage: 60 });
    // The old bootstrap token is revoked; the new agent registers with the new one.
    const agents = t.hub.services.agents;
    await expect(agents.register({ bootstrapToken: firstToken, agentVersion: 't' })).rejects.toThrow();
    await agents.register({ bootstrapToken: bootstrapTokenOf(id), agentVersion: 't' });
    expect(await history(id)).toEqual([
      expect.stringMatching(/^null→requested: /),
      expect.stringMatching(/^requested→launching: /),
      expect.stringMatching(/^launching→launching: relaunch 1\/1: provider reports exited; destroying/),
      expect.stringMatching(/^launching→booting: /),
    ]);
    expect(await t.hub.services.reconciler.reconcileOnce()).toMatchObject({ relaunched: 0, failed: 0 });

    t.fake.stuck(row.providerInstanceId, 'offline');
    expect(await t.hub.services.reconciler.reconcileOnce()).toMatchObject({ relaunched: 0, failed: 1 });
    expect((await api('GET', `/api/instances/${id}`)).json().state).toBe('failed');
    expect(rentalsOf(id)).toEqual([]);
  });

  it('fails a rental that never runs when relaunch is 0', async () => {
    const { id, providerInstanceId } = (await launch('key-relaunch-0002', '100016', 0)).json();
    t.fake.stuck(providerInstanceId, 'exited');
    const report = await t.hub.services.reconciler.reconcileOnce();
    expect(report).toMatchObject({ relaunched: 0, failed: 1, leaksDestroyed: 1 });
    expect((await api('GET', `/api/instances/${id}`)).json()).toMatchObject({
      state: 'failed',
      stateReason: expect.stringContaining('exited'),
    });
    expect(rentalsOf(id)).toEqual([]);
  });

  it('rents the replacement only once the old rental is gone', async () => {
    const first = (await launch('key-relaunch-0003', '100017')).json();
    t.fake.lingerAfterDestroy(first.providerInstanceId, 3);
    t.fake.stuck(first.providerInstanceId, 'exited');
    const launches = t.fake.callsTo('launch').length;
    let passes = 0;
    while (rentalsOf(first.id).length === 0 || passes === 0) {
      await t.hub.services.reconciler.reconcileOnce();
      passes++;
      expect(rentalsOf(first.id).length).toBeLessThanOrEqual(1);
      expect(passes).toBeLessThan(6);
    }
    expect(passes).toBeGreaterThan(1);
    expect(t.fake.callsTo('launch').length).toBe(launches + 1);
    const row = (await api('GET', `/api/instances/${first.id}`)).json();
    expect(row).toMatchObject({ state: 'launching' });
    expect(rentalsOf(first.id).map((i) => String(i.id))).toEqual([row.providerInstanceId]);
  });

  it('rents the next offer when a replacement offer is taken too', async () => {
    const first = (await launch('key-relaunch-0004', '100018', 2)).json();
    t.fake.stuck(first.providerInstanceId, 'exited');
    const launches = t.fake.callsTo('launch').length;
    t.fake.fail('launch', {
      status: 404,
      body: { success: false, error: 'no_such_ask', msg: 'Instance type by id 1 is not available.' },
    });
    expect(await t.hub.services.reconciler.reconcileOnce()).toMatchObject({ relaunched: 1, failed: 0 });
    const row = (await api('GET', `/api/instances/${first.id}`)).json();
    expect(row).toMatchObject({ state: 'launching', providerInstanceId: expect.any(String) });
    expect(rentalsOf(first.id).map((i) => String(i.id))).toEqual([row.providerInstanceId]);
    const tried = t.fake
      .callsTo('launch')
      .slice(launches)
      .map((c) => c.path);
    expect(tried).toHaveLength(2);
    expect(tried[0]).not.toBe(tried[1]);
    expect(await history(first.id)).toEqual([
      expect.stringMatching(/^null→requested: /),
      expect.stringMatching(/^requested→launching: /),
      expect.stringMatching(/^launching→launching: relaunch 1\/2: provider reports exited; destroying/),
      expect.stringMatching(/^launching→launching: relaunch 2\/2: .*not available.*; renting offer \d+$/),
    ]);
  });

  it('fails a launch whose offer was taken before it was rented: its GPU is not known', async () => {
    t.fake.takeOffer(100_019);
    const res = (await launch('key-relaunch-0005', '100019')).json();
    expect(res).toMatchObject({ state: 'failed', stateReason: expect.stringContaining('100019') });
    expect(rentalsOf(res.id)).toEqual([]);
  });
});
