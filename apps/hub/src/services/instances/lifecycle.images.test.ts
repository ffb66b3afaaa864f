import { PODPILOT_VERSION } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { hubRequests } from '../../test-support/app.js';
import { testDatabases } from '../../test-support/databases.js';
import { type LifecycleTestHub, launchOnFake, useLifecycleHub } from '../../test-support/lifecycle.js';

/** Offers by host driver: 300003 is too old to be listed; 300004 is never listed (above max $/h). */
const OFFERS = [
  { id: 300001, dph_total: 0.3, gpu_name: 'RTX 5090', cuda_max_good: 12.8 },
  { id: 300002, dph_total: 0.31, gpu_name: 'RTX 3090', cuda_max_good: 12.2 },
  { id: 300003, dph_total: 0.32, gpu_name: 'RTX 3090', cuda_max_good: 11.8 },
  { id: 300004, dph_total: 0.9, gpu_name: 'RTX 5090', cuda_max_good: 12.8 },
  // For the relaunch: a cheaper host too old for cu128, and one that runs it.
  { id: 300005, dph_total: 0.34, gpu_name: 'RTX 5090', cuda_max_good: 12.4 },
  { id: 300006, dph_total: 0.35, gpu_name: 'RTX 5090', cuda_max_good: 12.8 },
  { id: 300007, dph_total: 0.36, gpu_name: 'RTX 5090', cuda_max_good: 12.9 },
];

describe.each(testDatabases())('the image follows the host driver of the offer ($engine)', ({ open }) => {
  const auto = useLifecycleHub(open, { offers: OFFERS });
  // A second hub on a database of its own (it needs its own owner).
  const pinned = useLifecycleHub(open, { offers: OFFERS, deps: { lifecycle: { imageVariant: 'cu128' } } });

  type Hub = Pick<LifecycleTestHub, 'hub' | 'fake'>;
  const api = (t: Hub, method: 'GET' | 'POST', url: string) => hubRequests(() => t.hub).owner(method, url);
  const launch = (t: Hub, offerId: number, key: string, relaunch = 0) =>
    launchOnFake(t, { offerId, idempotencyKey: key, relaunch });
  const imageOf = (t: Hub, id: string) =>
    t.fake.instances().find((i) => i.label === `podpilot-${id}`)?.image_uuid;

  it('rents the newest image each host runs, refuses a host too old for any, and falls back when unknown', async () => {
    // A host too old for every image is not offered, but the hub knows of it all the same.
    const listed = await api(auto, 'GET', '/api/offers?provider=vastai&limit=3&maxPrice=0.5');
    expect(listed.json().offers.map((o: { id: string; cudaMax: string }) => [o.id, o.cudaMax])).toEqual([
      ['300001', '12.8'],
      ['300002', '12.2'],
      ['300005', '12.4'],
    ]);

    const blackwell = await launch(auto, 300001, 'img-auto-1');
    expect(blackwell.statusCode, blackwell.body).toBe(201);
    expect(imageOf(auto, blackwell.json().id)).toBe(
      `ghcr.io/podpilot/podpilot/comfyui:cu128-${PODPILOT_VERSION}`,
    );
    const older = await launch(auto, 300002, 'img-auto-2');
    expect(imageOf(auto, older.json().id)).toBe(
      `ghcr.io/podpilot/podpilot/comfyui:cu121-${PODPILOT_VERSION}`,
    );

    const rentals = auto.fake.instances().length;
    const tooOld = await launch(auto, 300003, 'img-auto-3');
    expect(tooOld.statusCode).toBe(409);
    expect(tooOld.json().error.message).toContain('body.offerId');
    expect(tooOld.json().error.message).toContain('CUDA up to 11.8');
    expect(auto.fake.instances()).toHaveLength(rentals); // nothing rented

    // Never listed by this hub: the default image, as before.
    const unknown = await launch(auto, 300004, 'img-auto-4');
    expect(imageOf(auto, unknown.json().id)).toBe(
      `ghcr.io/podpilot/podpilot/comfyui:cu124-${PODPILOT_VERSION}`,
    );
  });

  it('keeps a pinned variant, offers only hosts that run it, and refuses the others', async () => {
    const listed = await api(pinned, 'GET', '/api/offers?provider=vastai&limit=10');
    expect(listed.json().offers.map((o: { id: string }) => o.id)).toEqual([
      '300001',
      '300006',
      '300007',
      '300004',
    ]);
    const ok = await launch(pinned, 300001, 'img-pin-1');
    expect(imageOf(pinned, ok.json().id)).toBe(`ghcr.io/podpilot/podpilot/comfyui:cu128-${PODPILOT_VERSION}`);
    const refused = await launch(pinned, 300002, 'img-pin-2');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('the cu128 images need 12.8');
  });

  it('relaunches only on a host that runs the same image', async () => {
    await api(auto, 'GET', '/api/offers?provider=vastai&limit=20');
    const first = (await launch(auto, 300007, 'img-relaunch-1', 1)).json();
    expect(imageOf(auto, first.id)).toBe(`ghcr.io/podpilot/podpilot/comfyui:cu128-${PODPILOT_VERSION}`);
    auto.fake.stuck(first.providerInstanceId, 'exited');
    expect(await auto.hub.services.reconciler.reconcileOnce()).toMatchObject({ relaunched: 1 });
    // 300005 is cheaper but its driver stops at CUDA 12.4.
    expect(auto.fake.callsTo('launch').at(-1)?.path).toContain('300006');
    expect(imageOf(auto, first.id)).toBe(`ghcr.io/podpilot/podpilot/comfyui:cu128-${PODPILOT_VERSION}`);
  });
});
