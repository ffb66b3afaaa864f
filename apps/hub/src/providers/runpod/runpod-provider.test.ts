import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, NoCapacityError, ProviderError, ProviderUnavailableError } from '../errors.js';
import { labelFor } from '../provider.js';
import {
  FAKE_RUNPOD_KEY,
  type FakeRunpod,
  type RunpodRoute,
  startFakeRunpod,
} from '../test-support/fake-runpod.js';
import { manualClock } from '../test-support/fake-server.js';
import { type ContractRoute, providerContract } from '../test-support/provider.contract.js';
import { parseRunpodOfferId, runpodOfferId, searchCatalogue } from './runpod-catalogue.js';
import { RunpodProvider, runpodInstance, runpodStatus } from './runpod-provider.js';

const TIMEOUT_MS = 5000;
const START_DELAY_MS = 1000;

providerContract(
  'runpod',
  async () => {
    const clock = manualClock();
    const fake = await startFakeRunpod({ startDelayMs: START_DELAY_MS, now: clock.now });
    const make = ({
      apiKey = FAKE_RUNPOD_KEY,
      timeoutMs = TIMEOUT_MS,
    }: {
      apiKey?: string;
      timeoutMs?: number;
    }) => new RunpodProvider({ apiKey, baseUrl: fake.baseUrl, timeoutMs, now: clock.now });
    const route = (r: ContractRoute): RunpodRoute => {
      if (r === 'search') throw new Error('Runpod offers come from a catalogue: no search route to fault');
      return r;
    };
    return {
      provider: make({}),
      make,
      startDelayMs: START_DELAY_MS,
      gpuName: 'RTX 4090',
      unknownId: 'nosuchpod00',
      close: () => fake.close(),
      fake: {
        fail: (r, status) => fake.fail(route(r), { status }),
        rateLimit: (r, retryAfter) => fake.rateLimit(route(r), retryAfter),
        timeout: (r) => fake.timeout(route(r)),
        loseResponse: (r) => fake.loseResponse(route(r)),
        takeOffer: (offerId) => fake.takeOffer(offerId),
        takeGpu: (id) => fake.takeGpu(id),
        stuck: (id, state) => fake.stuck(id, state === 'failed' ? 'ERROR' : 'STARTING'),
        lingerAfterDestroy: (id) => fake.lingerAfterDestroy(id),
        instanceIds: () => fake.instances().map((pod) => pod.id),
        advance: clock.advance,
        now: clock.now,
        disk: {
          keptPath: '/workspace',
          write: (id, path, content) => fake.pod(id).writeFile(path, content),
          read: (id, path) => fake.pod(id).readFile(path),
        },
      },
    };
  },
  { searchIsRemote: false, keptDisk: true },
);

const spec = (offerId: string) => ({
  instanceId: randomUUID(),
  offerId,
  image: 'ghcr.io/podpilot/comfyui:test',
  env: { PODPILOT_HUB_URL: 'http://hub' },
  diskGb: 40,
  ports: [8188],
});

describe('RunpodProvider against the fake', () => {
  let fake: FakeRunpod;
  let runpod: RunpodProvider;
  beforeEach(async () => {
    fake = await startFakeRunpod();
    runpod = new RunpodProvider({ apiKey: FAKE_RUNPOD_KEY, baseUrl: fake.baseUrl, timeoutMs: TIMEOUT_MS });
  });
  afterEach(() => fake.close());

  it('launches with name, image, gpu {id, count, minCudaVersion}, disks, ports as <port>/http and env', async () => {
    const [offer] = await runpod.searchOffers({ gpuName: 'rtx 4090', gpuCount: 2, minCuda: '12.4' });
    expect(offer).toMatchObject({
      id: 'NVIDIA GeForce RTX 4090?count=2&minCuda=12.4',
      gpuCount: 2,
      // Two GPUs at $0.69/h plus the pod's storage: 30 GB container disk + the default 60 GB volume.
      pricePerHour: Math.round((1.38 + (90 * 0.1) / 730) * 10_000) / 10_000,
    });
    const s = spec(offer?.id ?? '');
    const pod = await runpod.launch(s);
    expect(fake.callsTo('launch')[0]).toMatchObject({
      method: 'POST',
      path: '/v2/pods',
      outcome: 201,
      body: {
        name: labelFor(s.instanceId),
        image: s.image,
        gpu: { id: 'NVIDIA GeForce RTX 4090', count: 2, minCudaVersion: '12.4' },
        disk: 30,
        mounts: { persistent: { size: 40, path: '/workspace' } },
        ports: ['8188/http'],
        env: s.env,
      },
    });
    expect(pod).toMatchObject({
      podpilotId: s.instanceId,
      status: 'running',
      gpuName: 'RTX 4090',
      gpuCount: 2,
    });
    expect(pod.pricePerHour).toBe(1.38);
  });

  it("asks for a host whose driver runs the image: the offer's CUDA floor or the image's, the newer", async () => {
    await runpod.launch({ ...spec('NVIDIA GeForce RTX 4090'), minCuda: '12.4' });
    await runpod.launch({ ...spec('NVIDIA GeForce RTX 4090?minCuda=12.8'), minCuda: '12.4' });
    await runpod.launch({ ...spec('NVIDIA GeForce RTX 4090?minCuda=12.1'), minCuda: '12.10' });
    await runpod.launch(spec('NVIDIA GeForce RTX 4090'));
    const floors = fake
      .callsTo('launch')
      .map((c) => (c.body as { gpu: { minCudaVersion?: string } }).gpu.minCudaVersion);
    expect(floors).toEqual(['12.4', '12.8', '12.10', undefined]);
  });

  it('carries the RFC 9457 detail in every error', async () => {
    fake.fail('launch', {
      status: 400,
      body: { title: 'Bad Request', status: 400, detail: 'image: must not be empty' },
    });
    const bad = await runpod.launch(spec('NVIDIA A40')).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ProviderError);
    expect((bad as Error).message).toContain('Bad Request: image: must not be empty');
    const unknownGpu = await runpod.launch(spec('NVIDIA Imaginary 9000')).catch((e: unknown) => e);
    expect(unknownGpu).not.toBeInstanceOf(NoCapacityError);
    expect((unknownGpu as Error).message).toContain('The request body is invalid.');
    fake.fail('list', {
      status: 503,
      body: { title: 'Service Unavailable', status: 503, detail: 'maintenance window' },
    });
    await expect(runpod.list()).rejects.toThrow(ProviderUnavailableError);
    fake.fail('list', { status: 503 });
    await expect(runpod.list()).rejects.toThrow(/Service Unavailable: injected/);
    const auth = await new RunpodProvider({ apiKey: 'nope', baseUrl: fake.baseUrl })
      .list()
      .catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(AuthError);
    expect((auth as Error).message).toContain('invalid or missing API key');
    expect(fake.calls.at(-1)?.auth).toBe('wrong');
  });

  it('maps "no longer any instances available" to NoCapacityError whatever the status', async () => {
    const detail = 'There are no longer any instances available with the requested specifications.';
    fake.fail('launch', { status: 500, body: { title: 'Internal Server Error', status: 500, detail } });
    await expect(runpod.launch(spec('NVIDIA A40'))).rejects.toThrow(NoCapacityError);
  });

  it('tolerates the refusals of a stop of a stopped pod and a start of a running one', async () => {
    const { id } = await runpod.launch(spec('NVIDIA A40'));
    await runpod.start(id);
    await runpod.stop(id);
    await runpod.stop(id);
    expect(fake.callsTo('stop').map((c) => c.outcome)).toEqual([200, 409]);
    expect(fake.callsTo('start').map((c) => c.outcome)).toEqual([409]);
    await expect(runpod.stop('nosuchpod00')).rejects.toThrow(/not found/);
  });

  it('lists pods as {"pods": [...]} and reads runtime ports', async () => {
    const { id } = await runpod.launch({ ...spec('NVIDIA A40'), ports: [8188] });
    const res = await fetch(`${fake.baseUrl}/pods`, {
      headers: { authorization: `Bearer ${FAKE_RUNPOD_KEY}` },
    });
    const body = (await res.json()) as { pods: { id: string; runtime: { ports: unknown[] } }[] };
    expect(body.pods.map((p) => p.id)).toEqual([id]);
    expect(body.pods[0]?.runtime.ports).toEqual([{ private: 8188, public: null, type: 'http', ip: null }]);
  });
});

describe('Runpod mapping and catalogue', () => {
  it('maps pod status', () => {
    expect(runpodStatus('PROVISIONING')).toBe('starting');
    expect(runpodStatus('STARTING')).toBe('starting');
    expect(runpodStatus('RUNNING')).toBe('running');
    expect(runpodStatus('EXITED')).toBe('stopped');
    expect(runpodStatus('ERROR')).toBe('failed');
    expect(runpodStatus('TERMINATED')).toBe('gone');
  });

  it('reads a v1-shaped pod too (desiredStatus, costPerHr as a string)', () => {
    const podpilotId = randomUUID();
    const pod = {
      id: 'abc',
      name: labelFor(podpilotId),
      desiredStatus: 'EXITED',
      costPerHr: '0.44',
      gpuCount: 1,
    };
    expect(runpodInstance(pod)).toMatchObject({
      podpilotId,
      status: 'stopped',
      pricePerHour: 0.44,
      gpuCount: 1,
    });
  });

  it('encodes count and CUDA floor in the offer id and reads them back', () => {
    const choice = { gpuTypeId: 'NVIDIA A40', count: 4, minCuda: '12.1' };
    expect(parseRunpodOfferId(runpodOfferId(choice))).toEqual(choice);
    expect(runpodOfferId({ ...choice, count: 1, minCuda: null })).toBe('NVIDIA A40');
    expect(parseRunpodOfferId('NVIDIA A40')).toEqual({ gpuTypeId: 'NVIDIA A40', count: 1, minCuda: null });
  });

  it('searches a custom catalogue by short name or type id, case-insensitively', () => {
    const types = [
      { id: 'X1', name: 'Cheap 16', vramGb: 16, pricePerHour: 0.1 },
      { id: 'X2', name: 'Big 80', vramGb: 80, pricePerHour: 2, maxCount: 2 },
    ];
    expect(searchCatalogue(types, { gpuName: 'big 80' }).map((o) => o.id)).toEqual(['X2']);
    expect(searchCatalogue(types, { gpuName: 'x1' }).map((o) => o.id)).toEqual(['X1']);
    expect(searchCatalogue(types, { gpuCount: 4 }).map((o) => o.id)).toEqual(['X1?count=4']);
    expect(searchCatalogue(types, { minVramGb: 24, maxPricePerHour: 1.5 })).toEqual([]);
  });
});
