import type { ProviderKind } from '@podpilot/common';
import { afterAll, describe, expect, it } from 'vitest';
import type { FakeVastAi } from '../../providers/test-support/fake-vastai.js';
import { registerAgent } from '../../test-support/agents.js';
import { hubRequests, useHubOn } from '../../test-support/app.js';
import { testDatabases } from '../../test-support/databases.js';
import {
  bootstrapTokenOf,
  launchOnFake,
  lifecycleHub,
  useLifecycleHub,
} from '../../test-support/lifecycle.js';
import { TAILSCALE_SECRETS } from '../tailscale/tailscale.service.js';
import {
  FAKE_TAILSCALE_API_KEY,
  type FakeTailscale,
  startFakeTailscale,
} from '../tailscale/test-support/fake-tailscale.js';
import { InstancesService } from './instances.service.js';

/** The body of the launch request the fake Vast.ai received for instance `id`. */
function launchRequestOf(fake: FakeVastAi, id: string): { env: Record<string, string> } {
  const call = fake.callsTo('launch').find((c) => (c.body as { label?: string }).label === `podpilot-${id}`);
  if (!call) throw new Error(`no launch request for ${id}`);
  return call.body as { env: Record<string, string> };
}

const portFlags = (env: Record<string, string>) => Object.keys(env).filter((k) => k.startsWith('-p '));

describe.each(testDatabases())('the way into the WebUI on Vast.ai ($engine)', ({ open }) => {
  describe('with Tailscale', () => {
    let ts: FakeTailscale | undefined;
    const started = useHubOn(open, async (db) => {
      ts = await startFakeTailscale();
      const tailscale = { baseUrl: ts.baseUrl, timeoutMs: 2_000, sleep: async () => {} };
      const hub = await lifecycleHub(db, { deps: { tailscale } });
      await hub.hub.services.secrets.put(TAILSCALE_SECRETS.apiKey, FAKE_TAILSCALE_API_KEY);
      return hub;
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
    afterAll(async () => {
      await ts?.close();
    });

    it('publishes no port at all and shows the tailnet name and Tailscale SSH', async () => {
      const launched = await launchOnFake(t, { offerId: '100001', idempotencyKey: 'key-access-tailnet1' });
      expect(launched.statusCode, launched.body).toBe(201);
      const { id } = launched.json() as { id: string };
      const { env } = launchRequestOf(t.fake, id);
      expect(env.TS_AUTHKEY).toMatch(/^tskey-auth-/);
      expect(portFlags(env)).toEqual([]);
      expect(env.PODPILOT_WEBUI_AUTH).toBeUndefined();
      // The container joins the tailnet (`tailscale up`), then its agent registers: the full MagicDNS name.
      ts?.join(String(env.TS_AUTHKEY), String(env.TS_HOSTNAME));
      await registerAgent(t.hub, bootstrapTokenOf(t.fake, id));
      // The hub looks the device up after answering the registration.
      await expect
        .poll(async () => (await api('GET', `/api/instances/${id}`)).json().access)
        .toEqual({
          kind: 'tailnet',
          url: `http://podpilot-${id}.tail0fake.ts.net:8188/`,
          ssh: `ssh root@podpilot-${id}.tail0fake.ts.net`,
        });
    });
  });

  describe('without Tailscale', () => {
    const t = useLifecycleHub(open);
    const { owner: api } = hubRequests(() => t.hub);

    it('publishes the UI port behind the agent proxy and shows the host IP and mapped port', async () => {
      const launched = await launchOnFake(t, { offerId: '100002', idempotencyKey: 'key-access-public1' });
      expect(launched.statusCode, launched.body).toBe(201);
      const { id, providerInstanceId } = launched.json() as { id: string; providerInstanceId: string };
      expect(launched.json().access).toBeNull(); // no container yet
      const { env } = launchRequestOf(t.fake, id);
      expect(portFlags(env)).toEqual(['-p 8188:8188']);
      expect(env.PODPILOT_WEBUI_AUTH).toBe('link');
      expect(env.TS_AUTHKEY).toBeUndefined();
      await registerAgent(t.hub, bootstrapTokenOf(t.fake, id));

      const providers = t.hub.services.providers;
      const instances = new InstancesService(t.db, {
        costs: t.hub.services.costs,
        idleMinuteMs: 60_000,
        providerInstance: async (kind, rental) => (await providers.get(kind as ProviderKind)).get(rental),
      });
      const ip = `203.0.113.${Number(providerInstanceId) % 250}`;
      const expected = { kind: 'public', url: `http://${ip}:40000/`, ssh: null };
      expect((await instances.get(id)).access).toEqual(expected);
      expect((await instances.list()).find((i) => i.id === id)?.access).toEqual(expected);
      // Without the provider's record the address is unknown, the kind still says how to open it.
      expect((await api('GET', `/api/instances/${id}`)).json().access).toMatchObject({ kind: 'public' });

      // A local instance's WebUI is where its agent reports it (read from the last heartbeat's facts).
      await t.db.query(
        `update instances set provider = 'local', agent_facts = '{"webui": {"port": 51000}}'::jsonb where id = $1`,
        [id],
      );
      expect((await instances.get(id)).access).toEqual({
        kind: 'local',
        url: 'http://127.0.0.1:51000/',
        ssh: null,
      });
    });
  });
});
