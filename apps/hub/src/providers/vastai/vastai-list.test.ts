import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, NoCapacityError, ProviderError } from '../errors.js';
import { labelFor } from '../provider.js';
import { FAKE_VAST_KEY, type FakeVastAi, startFakeVastAi } from '../test-support/fake-vastai.js';
import { VAST_DEFAULT_DISK_GB } from './vastai-api.js';
import { vastV1BaseUrl } from './vastai-list.js';
import { VastAiProvider } from './vastai-provider.js';

const DEPRECATED = { success: false, error: 'deprecated_endpoint', msg: 'Use /api/v1/instances/ instead' };
const bearer = { authorization: `Bearer ${FAKE_VAST_KEY}` };

describe('Vast.ai instance list (v1, paged)', () => {
  let fake: FakeVastAi;
  let vast: VastAiProvider;
  beforeEach(async () => {
    fake = await startFakeVastAi();
    vast = new VastAiProvider({ apiKey: FAKE_VAST_KEY, baseUrl: fake.baseUrl, timeoutMs: 5000 });
  });
  afterEach(() => fake.close());

  const addOurs = (count: number) =>
    Array.from({ length: count }, () => {
      const podpilotId = randomUUID();
      return { podpilotId, id: fake.addInstance(labelFor(podpilotId)) };
    });

  it('the v0 list answers 410 deprecated_endpoint; the single-instance v0 routes still work', async () => {
    const [one] = addOurs(1);
    const v0 = await fetch(`${fake.baseUrl}/instances/?owner=me`, { headers: bearer });
    expect(v0.status).toBe(410);
    expect(await v0.json()).toEqual(DEPRECATED);
    const single = await fetch(`${fake.baseUrl}/instances/${one?.id}/`, { headers: bearer });
    expect(single.status).toBe(200);
    const wrong = await fetch(`${fake.baseUrl}/instances/?owner=me`, {
      headers: { authorization: 'Bearer x' },
    });
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toMatchObject({ error: 'auth_error' });
  });

  it('pages 62 instances by 25 with after_token = next_token, by id, as the official CLI asks', async () => {
    const ours = addOurs(62);
    const listed = await vast.list();
    expect(listed.map((i) => i.id)).toEqual(ours.map((o) => o.id));
    const calls = fake.callsTo('list');
    expect(calls.map((c) => c.path)).toEqual(Array(3).fill('/api/v1/instances/'));
    expect(calls[0]?.query).toEqual({
      select_filters: '{}',
      order_by: JSON.stringify([{ col: 'id', dir: 'asc' }]),
      limit: '25',
    });
    expect(calls[1]?.query.after_token).toEqual(expect.any(String));
    expect(calls[2]?.query.after_token).not.toBe(calls[1]?.query.after_token);
    expect(fake.callsTo('list-v0')).toEqual([]);
  });

  it('finds by label in one call filtered by Vast (select_filters), whatever page it would be on', async () => {
    const ours = addOurs(70);
    const last = ours[69];
    expect(await vast.findByPodpilotId(last?.podpilotId ?? '')).toMatchObject({
      id: last?.id,
      status: 'running',
    });
    expect(fake.callsTo('list')).toHaveLength(1);
    expect(JSON.parse(fake.callsTo('list')[0]?.query.select_filters ?? '')).toEqual({
      label: { eq: labelFor(last?.podpilotId ?? '') },
    });
  });

  it('the fake filters with in/eq/neq, refuses an unknown operator, and an unknown or expired token', async () => {
    const ours = addOurs(30);
    fake.addInstance(null);
    const page = async (query: Record<string, string>) => {
      const res = await fetch(`${fake.url}/api/v1/instances/?${new URLSearchParams(query)}`, {
        headers: bearer,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const labels = [ours[3], ours[28]].map((o) => labelFor(o?.podpilotId ?? ''));
    const picked = await page({ select_filters: JSON.stringify({ label: { in: labels } }) });
    expect((picked.body.instances as { id: number }[]).map((i) => String(i.id))).toEqual([
      ours[3]?.id,
      ours[28]?.id,
    ]);
    const unlabelled = await page({ select_filters: JSON.stringify({ label: { in: [null] } }) });
    expect(unlabelled.body.total_instances).toBe(1);
    expect((await page({ select_filters: '{"label":{"like":"x"}}' })).status).toBe(400);
    const first = await page({ limit: '100' });
    expect(first.body.instances).toHaveLength(25);
    const token = String(first.body.next_token);
    expect((await page({ after_token: 'made-up' })).status).toBe(400);
    expect((await page({ after_token: token, select_filters: '{"label":{"neq":null}}' })).status).toBe(400);
    const second = await page({ next_token: token });
    expect(second.body).toMatchObject({ next_token: null, total_instances: 31 });
    expect(second.body.instances).toHaveLength(6);
    fake.expireListTokens();
    expect((await page({ after_token: token })).status).toBe(400);
  });

  it('stops paging past maxListPages and says so, rather than answer part of the list', async () => {
    addOurs(60);
    const short = new VastAiProvider({ apiKey: FAKE_VAST_KEY, baseUrl: fake.baseUrl, maxListPages: 2 });
    await expect(short.list()).rejects.toThrow(/past 2 pages \(50 instances read\)/);
    expect(fake.callsTo('list')).toHaveLength(2);
  });

  it('a 410 deprecated_endpoint on any call is a clear ProviderError, never "offer gone"', async () => {
    fake.fail('list', { status: 410, body: DEPRECATED });
    const listed = await vast.list().catch((e: unknown) => e);
    expect(listed).toBeInstanceOf(ProviderError);
    expect((listed as Error).message).toMatch(/no longer serves.*Use \/api\/v1\/instances\/ instead/);
    fake.fail('launch', { status: 410, body: DEPRECATED });
    const spec = { instanceId: randomUUID(), offerId: '1001', image: 'i', env: {}, diskGb: 10, ports: [] };
    const launched = await vast.launch(spec).catch((e: unknown) => e);
    expect(launched).toBeInstanceOf(ProviderError);
    expect(launched).not.toBeInstanceOf(NoCapacityError);
    expect((launched as Error).message).toMatch(/no longer serves/);
  });

  it('a wrong key is an AuthError on the v1 list and on v0 calls', async () => {
    const wrong = new VastAiProvider({ apiKey: 'wrong-key-123', baseUrl: fake.baseUrl });
    await expect(wrong.findByPodpilotId(randomUUID())).rejects.toBeInstanceOf(AuthError);
    await expect(wrong.get('20001')).rejects.toBeInstanceOf(AuthError);
  });
});

describe('Vast.ai search prices include the disk', () => {
  let fake: FakeVastAi;
  let vast: VastAiProvider;
  beforeEach(async () => {
    fake = await startFakeVastAi();
    vast = new VastAiProvider({ apiKey: FAKE_VAST_KEY, baseUrl: fake.baseUrl });
  });
  afterEach(() => fake.close());

  it('always sends allocated_storage (the default launch disk when none is asked): the price follows the disk', async () => {
    const price = async (minDiskGb?: number) => {
      const offers = await vast.searchOffers(minDiskGb === undefined ? {} : { minDiskGb });
      return offers.find((o) => o.id === '1001')?.pricePerHour;
    };
    expect(VAST_DEFAULT_DISK_GB).toBe(60);
    expect(await price()).toBeCloseTo(0.4 + (0.15 * 60) / 720, 10);
    expect(await price(200)).toBeCloseTo(0.4 + (0.15 * 200) / 720, 10);
    expect(
      fake.callsTo('search').map((c) => (c.body as { allocated_storage?: number }).allocated_storage),
    ).toEqual([60, 200]);
    const raw = await fetch(`${fake.baseUrl}/bundles/`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ allocated_storage: 'lots' }),
    });
    expect(raw.status).toBe(400);
  });
});

describe('the v1 base URL', () => {
  it('is the configured v0 base with /api/v0 → /api/v1; another base is refused', () => {
    expect(vastV1BaseUrl('https://console.vast.ai/api/v0')).toBe('https://console.vast.ai/api/v1');
    expect(vastV1BaseUrl('http://127.0.0.1:9/proxy/api/v0/')).toBe('http://127.0.0.1:9/proxy/api/v1');
    expect(() => vastV1BaseUrl('https://console.vast.ai/api')).toThrow(/must end in \/api\/v0/);
    expect(() => new VastAiProvider({ apiKey: 'k', baseUrl: 'https://x.test/v0' })).toThrow(TypeError);
  });
});
