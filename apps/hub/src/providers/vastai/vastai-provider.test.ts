import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, NoCapacityError, ProviderError, RateLimitedError } from '../errors.js';
import { labelFor } from '../provider.js';
import { manualClock } from '../test-support/fake-server.js';
import {
  FAKE_VAST_KEY,
  type FakeVastAi,
  startFakeVastAi,
  type VastRoute,
} from '../test-support/fake-vastai.js';
import { type ContractRoute, providerContract } from '../test-support/provider.contract.js';
import { vastInstance, vastStatus } from './vastai-api.js';
import { VastAiProvider } from './vastai-provider.js';

const TIMEOUT_MS = 5000;
const START_DELAY_MS = 1000;

providerContract(
  'vastai',
  async () => {
    const clock = manualClock();
    const fake = await startFakeVastAi({ startDelayMs: START_DELAY_MS, now: clock.now });
    const make = ({
      apiKey = FAKE_VAST_KEY,
      timeoutMs = TIMEOUT_MS,
    }: {
      apiKey?: string;
      timeoutMs?: number;
    }) => new VastAiProvider({ apiKey, baseUrl: fake.baseUrl, timeoutMs, now: clock.now });
    const route = (r: ContractRoute): VastRoute => r;
    return {
      provider: make({}),
      make,
      startDelayMs: START_DELAY_MS,
      gpuName: 'RTX 4090',
      unknownId: '987654',
      close: () => fake.close(),
      fake: {
        fail: (r, status) => fake.fail(route(r), { status }),
        rateLimit: (r, retryAfter) => fake.rateLimit(route(r), retryAfter),
        timeout: (r) => fake.timeout(route(r)),
        loseResponse: (r) => fake.loseResponse(route(r)),
        takeOffer: (offerId) => fake.takeOffer(offerId),
        takeGpu: (id) => fake.takeGpu(id),
        stuck: (id, state) => fake.stuck(id, state === 'failed' ? 'offline' : 'loading'),
        lingerAfterDestroy: (id) => fake.lingerAfterDestroy(id),
        instanceIds: () => fake.instances().map((i) => String(i.id)),
        addInstance: (label) => fake.addInstance(label),
        advance: clock.advance,
        now: clock.now,
      },
    };
  },
  { searchIsRemote: true, pagedList: true },
);

describe('VastAiProvider against the fake', () => {
  let fake: FakeVastAi;
  let vast: VastAiProvider;
  beforeEach(async () => {
    fake = await startFakeVastAi();
    vast = new VastAiProvider({ apiKey: FAKE_VAST_KEY, baseUrl: fake.baseUrl, timeoutMs: TIMEOUT_MS });
  });
  afterEach(() => fake.close());

  it('searches with the CLI default filters, requirements in Vast units, cheapest first', async () => {
    const offers = await vast.searchOffers({
      gpuName: 'RTX_4090',
      gpuCount: 1,
      minVramGb: 24,
      maxPricePerHour: 0.5,
      minCuda: '12.2',
      minDiskGb: 80,
      minReliability: 0.95,
      limit: 5,
    });
    expect(fake.callsTo('search')[0]?.body).toEqual({
      verified: { eq: true },
      external: { eq: false },
      rentable: { eq: true },
      rented: { eq: false },
      gpu_name: { eq: 'RTX 4090' },
      num_gpus: { eq: 1 },
      gpu_ram: { gte: 24_000 },
      dph_total: { lte: 0.5 },
      cuda_max_good: { gte: 12.2 },
      disk_space: { gte: 80 },
      reliability: { gte: 0.95 },
      order: [['dph_total', 'asc']],
      type: 'on-demand',
      limit: 5,
      allocated_storage: 80,
    });
    expect(offers).toEqual([
      {
        provider: 'vastai',
        id: '1002',
        gpuName: 'RTX 4090',
        gpuCount: 1,
        vramGb: 24,
        // The 80 GB asked for, at $0.15/GB/month, are in the price.
        pricePerHour: 0.35 + (0.15 * 80) / 720,
        cudaMax: '12.2',
        reliability: 0.98,
        downloadMbps: 800,
        diskGb: 100,
        location: 'US',
      },
      expect.objectContaining({ id: '1001', cudaMax: '12.4', pricePerHour: 0.4 + (0.15 * 80) / 720 }),
    ]);
  });

  it('leaves out unverified, rented and external offers', async () => {
    const ids = (await vast.searchOffers({ gpuName: 'RTX 4090' })).map((o) => o.id);
    expect(ids).toEqual(['1003', '1002', '1001', '1004']);
  });

  it('launches with the label, runtype args, client_id me and port flags in the env object', async () => {
    const instanceId = randomUUID();
    const env = { PODPILOT_HUB_URL: 'http://hub', PODPILOT_BOOTSTRAP_TOKEN: 't' };
    const launched = await vast.launch({
      instanceId,
      offerId: '1001',
      image: 'img:1',
      env,
      diskGb: 40,
      ports: [8188],
    });
    expect(fake.callsTo('launch')[0]).toMatchObject({
      method: 'PUT',
      path: '/api/v0/asks/1001/',
      auth: 'bearer',
      body: {
        client_id: 'me',
        image: 'img:1',
        label: labelFor(instanceId),
        disk: 40,
        runtype: 'args',
        env: { ...env, '-p 8188:8188': '1' },
      },
    });
    const [held] = fake.instances();
    expect(held).toMatchObject({ id: Number(launched.id), label: labelFor(instanceId), image_uuid: 'img:1' });
    expect(held?.extra_env).toEqual(Object.entries(env));
    expect(held?.ports).toEqual({ '8188/tcp': [{ HostIp: '0.0.0.0', HostPort: '40000' }] });
    expect(await vast.get(launched.id)).toMatchObject({
      gpuName: 'RTX 4090',
      pricePerHour: 0.4,
      publicIp: '203.0.113.1',
      portMap: { 8188: 40000 },
    });
  });

  it('answers GET /instances/{id}/ with one object under the plural key', async () => {
    const { id } = await vast.launch({
      instanceId: randomUUID(),
      offerId: '1001',
      image: 'i',
      env: {},
      diskGb: 10,
      ports: [],
    });
    const res = await fetch(`${fake.baseUrl}/instances/${id}/`, {
      headers: { authorization: `Bearer ${FAKE_VAST_KEY}` },
    });
    const body = (await res.json()) as { instances: unknown };
    expect(Array.isArray(body.instances)).toBe(false);
    expect(body.instances).toMatchObject({
      id: Number(id),
      actual_status: 'running',
      intended_status: 'running',
    });
  });

  it('the fake accepts the key as ?api_key= (as the CLI sends it) and refuses a wrong one', async () => {
    const ok = await fetch(`${fake.url}/api/v1/instances/?api_key=${FAKE_VAST_KEY}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ instances: [], next_token: null, total_instances: 0 });
    const wrong = await fetch(`${fake.url}/api/v1/instances/?api_key=nope`);
    // Vast answers a wrong key 404 with an auth_error body, not 401.
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toMatchObject({ success: false, error: 'auth_error' });
    expect(fake.calls.map((c) => c.auth)).toEqual(['query', 'wrong']);
    const q = encodeURIComponent(JSON.stringify({ gpu_name: { eq: 'RTX 3090' }, type: 'ondemand' }));
    const get = await fetch(`${fake.baseUrl}/bundles/?q=${q}&api_key=${FAKE_VAST_KEY}`);
    expect(((await get.json()) as { offers: { id: number }[] }).offers.map((o) => o.id)).toEqual([1005]);
  });

  it('reads Vast refusals: auth_error in a 404, no_such_ask in a 400 or 404, other 400s', async () => {
    fake.fail('list', {
      status: 404,
      body: { success: false, error: 'auth_error', msg: 'Invalid user key' },
    });
    await expect(vast.list()).rejects.toBeInstanceOf(AuthError);
    const spec = { instanceId: randomUUID(), offerId: '1001', image: 'i', env: {}, diskGb: 10, ports: [] };
    fake.fail('launch', {
      status: 400,
      body: { success: false, error: 'no_such_ask', msg: 'not available' },
    });
    await expect(vast.launch(spec)).rejects.toThrow(NoCapacityError);
    fake.fail('launch', { status: 400, body: { success: false, error: 'invalid_args', msg: 'bad image' } });
    const other = await vast.launch(spec).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ProviderError);
    expect(other).not.toBeInstanceOf(NoCapacityError);
    expect((other as Error).message).toContain('bad image');
    await expect(vast.launch({ ...spec, offerId: '424242' })).rejects.toThrow(/no_such_ask/);
  });

  it('a 429 without Retry-After waits the configured default', async () => {
    const patient = new VastAiProvider({
      apiKey: FAKE_VAST_KEY,
      baseUrl: fake.baseUrl,
      defaultRetryAfterMs: 4321,
    });
    fake.fail('list', { status: 429 });
    const error = await patient.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(4321);
  });

  it('a stopped instance that reports exited is stopped, not failed', async () => {
    const { id } = await vast.launch({
      instanceId: randomUUID(),
      offerId: '1001',
      image: 'i',
      env: {},
      diskGb: 10,
      ports: [],
    });
    await vast.stop(id);
    fake.stuck(id, 'exited');
    expect(await vast.get(id)).toMatchObject({ status: 'stopped', rawStatus: 'exited' });
  });
});

describe('Vast status mapping', () => {
  it('maps actual_status (with intended_status) to the provider-neutral status', () => {
    expect(vastStatus(null, 'running')).toBe('starting');
    expect(vastStatus('loading', 'running')).toBe('starting');
    expect(vastStatus('running', 'running')).toBe('running');
    expect(vastStatus('stopped', 'stopped')).toBe('stopped');
    expect(vastStatus('frozen', 'running')).toBe('stopped');
    for (const dead of ['unknown', 'offline']) expect(vastStatus(dead, 'running')).toBe('failed');
    // A container that ended on its own (out of memory, its command returned) keeps its disk.
    expect(vastStatus('exited', 'running')).toBe('exited');
    expect(vastStatus('exited', 'stopped')).toBe('stopped');
    expect(vastStatus('something new', null)).toBe('starting');
  });

  it('reads the PodPilot id from the label and trims the IP Vast sends with a newline', () => {
    const podpilotId = randomUUID();
    const raw = { id: 7, label: labelFor(podpilotId), actual_status: 'running', public_ipaddr: '1.2.3.4\n' };
    expect(vastInstance(raw)).toMatchObject({ id: '7', podpilotId, status: 'running', publicIp: '1.2.3.4' });
    expect(vastInstance({ id: 8, label: 'my own box' }).podpilotId).toBeNull();
  });

  it('maps each published container port to the host port Vast chose (the first binding)', () => {
    const ports = {
      '8188/tcp': [
        { HostIp: '0.0.0.0', HostPort: '41234' },
        { HostIp: '::', HostPort: '41234' },
      ],
      '22/tcp': [{ HostIp: '0.0.0.0', HostPort: '41000' }],
      '53/udp': [{ HostIp: '0.0.0.0', HostPort: '41001' }],
      '9000/tcp': [],
    };
    expect(vastInstance({ id: 11, ports }).portMap).toEqual({ 8188: 41234, 22: 41000 });
    expect(vastInstance({ id: 12, ports: null }).portMap).toEqual({});
  });

  it('prices a stopped instance by its disk: storage_cost ($/GB/month) × disk_space over 730 h', () => {
    expect(vastInstance({ id: 9, storage_cost: 0.15, disk_space: 73 }).stoppedStoragePerHour).toBeCloseTo(
      (0.15 * 73) / 730,
      10,
    );
    expect(vastInstance({ id: 10 }).stoppedStoragePerHour).toBeNull();
  });
});
