import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { asOwner } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { type LifecycleTestHub, lifecycleHub } from '../test-support/lifecycle.js';

describe.each(testDatabases())('lifecycle with the Vast.ai fake ($engine)', ({ open }) => {
  let db: Db;
  let t: LifecycleTestHub;
  beforeAll(async () => {
    db = await open();
    t = await lifecycleHub(db);
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.hub.app.inject({ method, url, payload: payload as object, headers: asOwner(t.hub.cookie) });
  const launch = (key: string, offerId = '100000') =>
    api('POST', '/api/instances', { profile: 'tiny', provider: 'vastai', offerId, idempotencyKey: key });
  const podpilotIds = () => t.fake.instances().map((i) => i.label);

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
    const bad = await api('POST', '/api/instances', {
      profile: 'nope@3',
      provider: 'vastai',
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
    const gone = await launch('key-nocap-0001', '100007');
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
});
