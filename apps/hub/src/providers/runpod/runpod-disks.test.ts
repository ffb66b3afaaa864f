/**
 * Runpod's disks (shared/provider-apis.md, "Runpod"; CLARIFICATIONS "Runpod disk"): the fake wipes the
 * container disk on stop, restart and start and keeps only a volume; the adapter gives every pod a volume at
 * `/workspace` sized by the launch and prices it into the offers.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_RUNPOD_KEY, type FakeRunpod, startFakeRunpod } from '../test-support/fake-runpod.js';
import { BOTH_MOUNTS } from '../test-support/fake-runpod-disks.js';
import { RUNPOD_GPU_TYPES } from './runpod-catalogue.js';
import { RunpodProvider, runpodInstance } from './runpod-provider.js';
import { RUNPOD_CONTAINER_DISK_GB } from './runpod-storage.js';

const TOKEN_FILE = '/workspace/.podpilot/agent-token';
const TEMP_FILE = '/tmp/podpilot-download.part';

describe('Runpod disks', () => {
  let fake: FakeRunpod;
  let runpod: RunpodProvider;
  beforeEach(async () => {
    fake = await startFakeRunpod();
    runpod = new RunpodProvider({ apiKey: FAKE_RUNPOD_KEY, baseUrl: fake.baseUrl, timeoutMs: 5000 });
  });
  afterEach(() => fake.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${FAKE_RUNPOD_KEY}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: text ? JSON.parse(text) : null,
    };
  };
  const create = (extra: Record<string, unknown> = {}) =>
    call('POST', '/pods', {
      name: `podpilot-${randomUUID()}`,
      image: 'ghcr.io/podpilot/comfyui:test',
      gpu: { id: 'NVIDIA A40', count: 1 },
      ...extra,
    });
  const action = (id: string, name: 'stop' | 'start' | 'restart') =>
    call('POST', `/pods/${id}/action`, { action: name });

  it('a create with both persistent and network mounts is refused 400', async () => {
    fake.addNetworkVolume('vol-1');
    const both = await create({
      mounts: {
        persistent: { size: 40, path: '/workspace' },
        network: [{ volumeId: 'vol-1', path: '/workspace' }],
      },
    });
    expect(both.status).toBe(400);
    expect(both.type).toMatch(/^application\/problem\+json/);
    expect(both.body).toMatchObject({ title: 'Bad Request', status: 400, detail: BOTH_MOUNTS });
    expect(fake.instances()).toEqual([]);
    // Either one alone is accepted.
    expect((await create({ mounts: { persistent: { size: 40, path: '/workspace' } } })).status).toBe(201);
    expect((await create({ mounts: { network: [{ volumeId: 'vol-1', path: '/workspace' }] } })).status).toBe(
      201,
    );
  });

  it('refuses a persistent volume without a positive whole size or an absolute path, and unknown network volumes', async () => {
    const fields = async (mounts: unknown) => {
      const answer = await create({ mounts });
      expect(answer.status).toBe(400);
      return (answer.body.errors as { field: string }[]).map((e) => e.field);
    };
    expect(await fields({ persistent: { size: 0, path: '/workspace' } })).toEqual(['mounts.persistent.size']);
    expect(await fields({ persistent: { size: 2.5, path: '/workspace' } })).toEqual([
      'mounts.persistent.size',
    ]);
    expect(await fields({ persistent: { size: 40, path: 'workspace' } })).toEqual(['mounts.persistent.path']);
    expect(await fields({ persistent: { size: 40 } })).toEqual(['mounts.persistent.path']);
    expect(await fields({ network: [{ volumeId: 'nope', path: '/workspace' }] })).toEqual([
      'mounts.network[0].volumeId',
    ]);
    expect(fake.instances()).toEqual([]);
  });

  it('the container disk is wiped on stop, restart and start; only a volume is kept', async () => {
    const bare = (await create()).body.id as string;
    const kept = (await create({ mounts: { persistent: { size: 20, path: '/workspace' } } })).body
      .id as string;
    for (const id of [bare, kept]) {
      fake.pod(id).writeFile(TOKEN_FILE, 'secret');
      fake.pod(id).writeFile(TEMP_FILE, 'partial');
    }
    expect((await action(bare, 'stop')).status).toBe(200);
    expect(fake.pod(bare).containerDiskGeneration).toBe(1);
    expect(fake.pod(bare).readFile(TOKEN_FILE)).toBeNull();
    expect(() => fake.pod(bare).writeFile(TOKEN_FILE, 'x')).toThrow(/EXITED/);
    await action(bare, 'start');
    expect(fake.pod(bare).readFile(TOKEN_FILE)).toBeNull();
    expect(fake.pod(bare).readFile(TEMP_FILE)).toBeNull();

    await action(kept, 'stop');
    await action(kept, 'start');
    expect(fake.pod(kept).readFile(TOKEN_FILE)).toBe('secret');
    expect(fake.pod(kept).readFile(TEMP_FILE)).toBeNull();
    fake.pod(kept).writeFile(TEMP_FILE, 'again');
    expect((await action(kept, 'restart')).status).toBe(200);
    expect(fake.pod(kept).containerDiskGeneration).toBe(3);
    expect(fake.pod(kept).readFile(TOKEN_FILE)).toBe('secret');
    expect(fake.pod(kept).readFile(TEMP_FILE)).toBeNull();
  });

  it("a network volume's files outlive the pod and are seen by the next pod that mounts it", async () => {
    fake.addNetworkVolume('vol-1');
    const mounts = { network: [{ volumeId: 'vol-1', path: '/workspace' }] };
    const first = (await create({ mounts })).body.id as string;
    fake.pod(first).writeFile('/workspace/models/a.safetensors', 'weights');
    await action(first, 'restart');
    expect(fake.pod(first).readFile('/workspace/models/a.safetensors')).toBe('weights');
    expect((await call('DELETE', `/pods/${first}`)).status).toBe(204);
    const second = (await create({ mounts })).body.id as string;
    expect(fake.pod(second).readFile('/workspace/models/a.safetensors')).toBe('weights');
  });

  it("the adapter's pods keep /workspace across stop and start", async () => {
    const [offer] = await runpod.searchOffers({ gpuName: 'A40' });
    const pod = await runpod.launch({
      instanceId: randomUUID(),
      offerId: offer?.id ?? '',
      image: 'ghcr.io/podpilot/comfyui:test',
      env: {},
      diskGb: 75,
      ports: [8188],
    });
    expect(fake.callsTo('launch')[0]?.body).toMatchObject({
      disk: RUNPOD_CONTAINER_DISK_GB,
      mounts: { persistent: { size: 75, path: '/workspace' } },
    });
    fake.pod(pod.id).writeFile(TOKEN_FILE, 'agent-credentials');
    await runpod.stop(pod.id);
    await runpod.start(pod.id);
    expect(await runpod.get(pod.id)).toMatchObject({ status: 'running' });
    expect(fake.pod(pod.id).containerDiskGeneration).toBe(2);
    expect(fake.pod(pod.id).readFile(TOKEN_FILE)).toBe('agent-credentials');
  });

  it('the listed price includes the /workspace volume ($0.10/GB/month running, 730 h a month)', async () => {
    const gpu = RUNPOD_GPU_TYPES.find((t) => t.name === 'A40')?.pricePerHour ?? 0;
    const priced = async (minDiskGb?: number) =>
      (await runpod.searchOffers({ gpuName: 'A40', ...(minDiskGb ? { minDiskGb } : {}) }))[0]?.pricePerHour ??
      0;
    const storage = (volumeGb: number) => ((RUNPOD_CONTAINER_DISK_GB + volumeGb) * 0.1) / 730;
    // Offers are listed before the disk is chosen: the default launch disk (60 GB).
    expect(await priced()).toBeCloseTo(gpu + storage(60), 4);
    expect(await priced(500)).toBeCloseTo(gpu + storage(500), 4);
    expect((await priced(500)) - (await priced(100))).toBeCloseTo((400 * 0.1) / 730, 4);
    // The budget filter compares the same whole price.
    expect(await runpod.searchOffers({ gpuName: 'A40', maxPricePerHour: gpu })).toEqual([]);
  });
});

describe('the price of a stopped pod', () => {
  it('is its volume at the stopped rate ($0.20/GB/month), unknown when the pod does not say its size', () => {
    const pod = { id: 'p1', name: 'podpilot-x', desiredStatus: 'EXITED' };
    expect(runpodInstance({ ...pod, volumeInGb: 73 }).stoppedStoragePerHour).toBeCloseTo(
      (73 * 0.2) / 730,
      10,
    );
    const v2 = { ...pod, mounts: { persistent: { size: 60, path: '/workspace' } } };
    expect(runpodInstance(v2).stoppedStoragePerHour).toBeCloseTo((60 * 0.2) / 730, 10);
    expect(runpodInstance(pod).stoppedStoragePerHour).toBeNull();
  });
});
