import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderInstance } from '../../providers/provider.js';
import { RunpodProvider } from '../../providers/runpod/runpod-provider.js';
import {
  FAKE_RUNPOD_KEY,
  type FakeRunpod,
  startFakeRunpod,
} from '../../providers/test-support/fake-runpod.js';
import { type AccessFacts, webuiAccess } from './instance-access.js';
import { webuiExposure } from './lifecycle-rent.js';

const id = '0b7c6c3e-3f7e-4a61-9d3c-2f1f7a4c9e10';
const facts = (over: Partial<AccessFacts>): AccessFacts => ({
  id,
  provider: 'vastai',
  providerInstanceId: '4242',
  state: 'ready',
  uiPort: 8188,
  reportedPort: null,
  tailnetHost: null,
  ...over,
});
const rental = (over: Partial<ProviderInstance>): ProviderInstance => ({
  id: '4242',
  podpilotId: id,
  status: 'running',
  rawStatus: 'running',
  pricePerHour: 0.4,
  gpuName: 'RTX 4090',
  gpuCount: 1,
  publicIp: '203.0.113.7',
  ...over,
});

describe('webuiAccess', () => {
  it('Vast.ai: the host IP and the host port Vast mapped the UI port to', () => {
    const access = webuiAccess(facts({}), rental({ portMap: { 8188: 41234, 22: 41000 } }));
    expect(access).toEqual({ kind: 'public', url: 'http://203.0.113.7:41234/', ssh: null });
    // Not mapped yet (still loading) or no record: the way in is known, the address not yet.
    expect(webuiAccess(facts({}), rental({ portMap: {} }))?.url).toBeNull();
    expect(webuiAccess(facts({}), null)).toEqual({ kind: 'public', url: null, ssh: null });
  });

  it("Runpod: the pod's HTTP proxy address for the UI port", () => {
    const access = webuiAccess(facts({ provider: 'runpod', providerInstanceId: 'abc123xyz' }), null);
    expect(access).toEqual({ kind: 'public', url: 'https://abc123xyz-8188.proxy.runpod.net/', ssh: null });
  });

  it('Tailscale: the tailnet name and Tailscale SSH, whatever the provider', () => {
    for (const provider of ['vastai', 'runpod'])
      expect(webuiAccess(facts({ provider, tailnetHost: `podpilot-${id}` }), null)).toEqual({
        kind: 'tailnet',
        url: `http://podpilot-${id}:8188/`,
        ssh: `ssh root@podpilot-${id}`,
      });
  });

  it('local: loopback at the port the agent reports (each local instance has its own)', () => {
    expect(webuiAccess(facts({ provider: 'local', reportedPort: 51000 }), null)).toEqual({
      kind: 'local',
      url: 'http://127.0.0.1:51000/',
      ssh: null,
    });
  });

  it('none while no container runs', () => {
    for (const state of ['requested', 'launching', 'stopping', 'stopped', 'destroyed', 'failed'] as const)
      expect(webuiAccess(facts({ state, tailnetHost: 'podpilot-x' }), rental({}))).toBeNull();
  });
});

describe('webuiExposure', () => {
  it('publishes nothing for an agent joining the tailnet; otherwise the port, behind the link proxy', () => {
    expect(webuiExposure('vastai', { TS_AUTHKEY: 'k' }, [8188])).toEqual({
      env: { TS_AUTHKEY: 'k' },
      ports: [],
    });
    expect(webuiExposure('runpod', { A: '1' }, [8188])).toEqual({
      env: { A: '1', PODPILOT_WEBUI_AUTH: 'link' },
      ports: [8188],
    });
    expect(webuiExposure('local', { A: '1' }, [8188])).toEqual({ env: { A: '1' }, ports: [8188] });
  });
});

describe('a Runpod launch as the hub sends it', () => {
  let fake: FakeRunpod;
  let runpod: RunpodProvider;
  beforeEach(async () => {
    fake = await startFakeRunpod();
    runpod = new RunpodProvider({ apiKey: FAKE_RUNPOD_KEY, baseUrl: fake.baseUrl, timeoutMs: 5_000 });
  });
  afterEach(() => fake.close());

  const launch = (env: Record<string, string>) =>
    runpod.launch({
      instanceId: randomUUID(),
      offerId: 'NVIDIA GeForce RTX 4090',
      image: 'ghcr.io/podpilot/comfyui:test',
      diskGb: 40,
      ...webuiExposure('runpod', env, [8188]),
    });

  it('with Tailscale exposes no port; without, the UI port over HTTP and the link proxy on', async () => {
    await launch({ TS_AUTHKEY: 'tskey-auth-x' });
    await launch({});
    const [tailnet, open] = fake.callsTo('launch').map((c) => c.body as Record<string, unknown>);
    expect(tailnet?.ports).toEqual([]);
    expect(tailnet?.env).toEqual({ TS_AUTHKEY: 'tskey-auth-x' });
    expect(open?.ports).toEqual(['8188/http']);
    expect(open?.env).toEqual({ PODPILOT_WEBUI_AUTH: 'link' });
  });
});
