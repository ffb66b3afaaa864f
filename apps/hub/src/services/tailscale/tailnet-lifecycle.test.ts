import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../db/db.js';
import { manualClock } from '../../providers/test-support/fake-server.js';
import type { FakeVastAi } from '../../providers/test-support/fake-vastai.js';
import { registerAgent } from '../../test-support/agents.js';
import { hubRequests, useHubOn } from '../../test-support/app.js';
import { testDatabases } from '../../test-support/databases.js';
import { type LifecycleTestHub, launchOnFake, lifecycleHub } from '../../test-support/lifecycle.js';
import { agentHostname, TAILSCALE_SECRETS } from './tailscale.service.js';
import {
  FAKE_TAILSCALE_API_KEY,
  type FakeTailscale,
  startFakeTailscale,
} from './test-support/fake-tailscale.js';

const HOUR = 3_600_000;

/** The launch environment the hub gave the fake Vast.ai rental of instance `id`. */
function rentalEnv(fake: FakeVastAi, id: string): Record<string, string> {
  const rental = fake.instances().find((i) => i.label === `podpilot-${id}`);
  return Object.fromEntries((rental?.extra_env ?? []) as [string, string][]);
}

describe.each(testDatabases())('the tailnet across stop, start and destroy ($engine)', ({ open }) => {
  const clock = manualClock(Date.now());
  let ts: FakeTailscale;
  const started = useHubOn(open, async (db: Db): Promise<LifecycleTestHub> => {
    ts = await startFakeTailscale({ now: clock.now });
    const t = await lifecycleHub(db, {
      deps: {
        tailscale: { baseUrl: ts.baseUrl, timeoutMs: 2_000, sleep: async () => {}, now: clock.now },
        providers: {
          timeoutMs: 2_000,
          defaultRetryAfterMs: 1,
          local: { command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], stopTimeoutMs: 5_000 },
        },
      },
    });
    await t.hub.services.secrets.put(TAILSCALE_SECRETS.apiKey, FAKE_TAILSCALE_API_KEY);
    return t;
  });
  afterAll(async () => {
    await ts?.close();
  });
  const t = {
    get hub() {
      return started.hub.hub;
    },
    get fake() {
      return started.hub.fake;
    },
  };
  const { owner: api } = hubRequests(() => t.hub);
  const stateOf = async (id: string) => (await api('GET', `/api/instances/${id}`)).json().state as string;

  it('launch → stop → start keeps the (non-ephemeral) device and mints no second key; destroy deletes it', async () => {
    const launched = await launchOnFake(t, { offerId: '100001', idempotencyKey: 'key-tailnet-0001' });
    expect(launched.statusCode, launched.body).toBe(201);
    const { id } = launched.json() as { id: string };
    const env = rentalEnv(t.fake, id);
    expect(env.TS_HOSTNAME).toBe(agentHostname(id));
    // The container joins with its single-use key, then its agent registers.
    const device = ts.join(env.TS_AUTHKEY ?? '', env.TS_HOSTNAME ?? '');
    expect(device.isEphemeral).toBe(false);
    await registerAgent(t.hub, env.PODPILOT_BOOTSTRAP_TOKEN ?? '');
    await vi.waitFor(() => expect(ts.keys()[0]?.revoked).toBe(true));

    expect((await api('POST', `/api/instances/${id}/stop`)).json().state).toBe('stopped');
    ts.offline(device.id);
    expect(ts.callsTo('deleteDevice')).toHaveLength(0);
    // Stopped for hours (longer than Tailscale keeps an offline ephemeral node), reconciled meanwhile.
    clock.advance(3 * HOUR);
    const report = await t.hub.services.reconciler.reconcileOnce();
    expect(report.tailscaleRemoved).toBe(0);
    expect(ts.devices().map((d) => d.id)).toEqual([device.id]);

    expect((await api('POST', `/api/instances/${id}/start`)).json().state).toBe('booting');
    expect(ts.callsTo('createKey')).toHaveLength(1);
    // The started container still carries the spent key, which the tailnet refuses; it rejoins with its
    // kept tailscaled state instead, as the same node.
    expect(() => ts.join(env.TS_AUTHKEY ?? '', env.TS_HOSTNAME ?? '')).toThrow(/revoked|already used/);
    expect(ts.reconnect(device.id).hostname).toBe(agentHostname(id));

    await api('POST', `/api/instances/${id}/destroy`);
    await t.hub.services.reconciler.reconcileOnce();
    expect(await stateOf(id)).toBe('destroyed');
    expect(ts.devices()).toEqual([]);
    expect(ts.callsTo('deleteDevice').map((c) => c.path)).toEqual([`/api/v2/device/${device.id}`]);
    expect(ts.callsTo('createKey')).toHaveLength(1);
  });

  it('a local launch with a stored Tailscale key succeeds and mints nothing', async () => {
    const before = ts.calls.length;
    // A key request would be refused (say the OAuth client may not mint the agents' tag): local never asks.
    ts.fail('createKey', { status: 400, body: { message: 'requested tags are invalid or not permitted' } });
    const launched = await api('POST', '/api/instances', {
      profile: 'tiny',
      provider: 'local',
      offerId: 'local',
      idempotencyKey: 'key-tailnet-local-0001',
    });
    expect(launched.statusCode, launched.body).toBe(201);
    const { id } = launched.json() as { id: string };
    expect(await stateOf(id), launched.body).not.toBe('failed');
    expect(launched.json().providerInstanceId).toEqual(expect.any(String));
    expect(ts.calls.slice(before)).toEqual([]);
    await api('POST', `/api/instances/${id}/destroy`);
    await t.hub.services.reconciler.reconcileOnce();
    expect(await stateOf(id)).toBe('destroyed');
  });
});
