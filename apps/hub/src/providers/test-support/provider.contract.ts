/**
 * The behaviour every remote `ComputeProvider` adapter must share, run against its fake. Each test gets a
 * fresh fake on a manual clock, so status changes happen when the test says and never by timing.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthError,
  NoCapacityError,
  NotYetTerminatedError,
  ProviderUnavailableError,
  RateLimitedError,
} from '../errors.js';
import { type ComputeProvider, type LaunchSpec, labelFor, type StoppableProvider } from '../provider.js';

export type ContractRoute = 'search' | 'launch' | 'get' | 'list' | 'stop' | 'start' | 'destroy';

/** The fake's controls in provider-neutral words; each test file maps them onto its fake. */
export interface ContractFake {
  fail(route: ContractRoute, status: number): void;
  rateLimit(route: ContractRoute, retryAfter: number | string): void;
  timeout(route: ContractRoute): void;
  loseResponse(route: ContractRoute): void;
  takeOffer(offerId: string): void;
  takeGpu(id: string): void;
  /** `failed`: the provider's "will never run" state (Vast `exited`, Runpod `ERROR`). */
  stuck(id: string, state: 'loading' | 'failed'): void;
  lingerAfterDestroy(id: string): void;
  /** Provider ids of the instances the fake holds. */
  instanceIds(): string[];
  /**
   * An instance rented outside this run, running, with this label; returns its id. Fakes whose provider
   * pages its list (Vast: 25 a page) have it (see `pagedList`).
   */
  addInstance?(label: string | null): string;
  advance(ms: number): void;
  now(): number;
  /**
   * Files inside an instance, written and read as its agent would (absolute paths), for fakes that model the
   * disks; `keptPath` is where the adapter puts what a stop must keep (Runpod: the `/workspace` volume).
   */
  disk?: {
    keptPath: string;
    write(id: string, path: string, content: string): void;
    read(id: string, path: string): string | null;
  };
}

export interface ContractHarness {
  provider: StoppableProvider;
  /** Another provider on the same fake: another API key, or a short timeout (`provider` has a generous one). */
  make(options: { apiKey?: string; timeoutMs?: number }): ComputeProvider;
  fake: ContractFake;
  /** Fake-clock time from launch/start to running. */
  startDelayMs: number;
  /** A GPU the provider offers, as it spells it; its VRAM is under 40 GB. */
  gpuName: string;
  /** An id the provider never issued. */
  unknownId: string;
  close(): Promise<void>;
}

const spec = (offerId: string, instanceId: string = randomUUID()): LaunchSpec => ({
  instanceId,
  offerId,
  image: 'ghcr.io/podpilot/comfyui:test',
  env: { PODPILOT_HUB_URL: 'http://hub.test:8443', PODPILOT_BOOTSTRAP_TOKEN: 'bootstrap-secret' },
  diskGb: 40,
  ports: [8188],
});

export function providerContract(
  name: string,
  setup: () => Promise<ContractHarness>,
  /**
   * `searchIsRemote: false` when offers come from a local catalogue (no request to fault). `pagedList`: the
   * provider pages its instance list (the fake has `addInstance`); `keptDisk`: the fake models the disks (`disk`).
   * Tests of a capability are registered only where the provider has it (nothing is skipped).
   */
  options: { searchIsRemote: boolean; pagedList?: boolean; keptDisk?: boolean },
): void {
  describe(`ComputeProvider contract: ${name}`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await setup();
    });
    afterEach(async () => {
      await h?.close();
    });

    const offer = async () => {
      const [first] = await h.provider.searchOffers({ gpuName: h.gpuName });
      if (!first) throw new Error(`no ${h.gpuName} offer`);
      return first;
    };
    const launched = async (instanceId?: string) => {
      const instance = await h.provider.launch(spec((await offer()).id, instanceId));
      h.fake.advance(h.startDelayMs);
      return instance;
    };

    it('searches: only matching offers, cheapest first, VRAM in GB, limit honoured', async () => {
      const all = await h.provider.searchOffers({});
      expect(all.length).toBeGreaterThan(2);
      const prices = all.map((o) => o.pricePerHour);
      expect(prices).toEqual([...prices].sort((a, b) => a - b));
      const named = await h.provider.searchOffers({ gpuName: h.gpuName });
      expect(named.length).toBeGreaterThan(0);
      for (const o of named) {
        expect(o).toMatchObject({ provider: h.provider.kind, gpuName: h.gpuName });
        expect(o.vramGb).toBeGreaterThanOrEqual(16);
        expect(o.vramGb).toBeLessThan(40);
      }
      const cheapest = prices[0] ?? 0;
      const cheap = await h.provider.searchOffers({ maxPricePerHour: cheapest });
      expect(cheap.map((o) => o.id)).toContain(all[0]?.id);
      expect(cheap.every((o) => o.pricePerHour <= cheapest)).toBe(true);
      const big = await h.provider.searchOffers({ minVramGb: 40 });
      expect(big.length).toBeGreaterThan(0);
      expect(big.every((o) => o.vramGb >= 40 && o.gpuName !== h.gpuName)).toBe(true);
      expect(await h.provider.searchOffers({ limit: 1 })).toEqual(all.slice(0, 1));
      expect(await h.provider.searchOffers({ gpuName: 'No Such GPU' })).toEqual([]);
    });

    it('launches labelled with the PodPilot id: starting, then running', async () => {
      const instanceId = randomUUID();
      const instance = await h.provider.launch(spec((await offer()).id, instanceId));
      expect(instance).toMatchObject({ podpilotId: instanceId, status: 'starting' });
      expect(await h.provider.get(instance.id)).toMatchObject({ id: instance.id, status: 'starting' });
      h.fake.advance(h.startDelayMs);
      expect(await h.provider.get(instance.id)).toMatchObject({ podpilotId: instanceId, status: 'running' });
      expect((await h.provider.list()).map((i) => i.id)).toEqual([instance.id]);
      expect(await h.provider.findByPodpilotId(instanceId)).toMatchObject({ id: instance.id });
      expect(await h.provider.findByPodpilotId(randomUUID())).toBeNull();
      expect(h.fake.instanceIds()).toEqual([instance.id]);
    });

    it('finds the instance by PodPilot id when the launch answer was lost', async () => {
      const target = await offer();
      const instanceId = randomUUID();
      h.fake.loseResponse('launch');
      await expect(h.provider.launch(spec(target.id, instanceId))).rejects.toBeInstanceOf(
        ProviderUnavailableError,
      );
      const found = await h.provider.findByPodpilotId(instanceId);
      expect(found).toMatchObject({ podpilotId: instanceId });
      expect(h.fake.instanceIds()).toEqual([found?.id]);
    });

    const paged = options.pagedList ? it : undefined;
    paged?.('lists and finds by label over 60 instances (3 pages)', async () => {
      const add = h.fake.addInstance?.bind(h.fake);
      if (!add) throw new Error(`${name}: pagedList needs the fake's addInstance`);
      const foreign = [add(null), add('my own box')];
      const ours = new Map<string, string>();
      for (let i = 0; i < 60; i++) {
        const podpilotId = randomUUID();
        ours.set(podpilotId, add(labelFor(podpilotId)));
      }
      const listed = await h.provider.list();
      const sorted = (ids: string[]) => [...ids].sort();
      expect(sorted(listed.map((i) => i.id))).toEqual(sorted([...foreign, ...ours.values()]));
      expect(listed.filter((i) => i.podpilotId !== null)).toHaveLength(60);
      for (const i of listed) if (i.podpilotId !== null) expect(ours.get(i.podpilotId)).toBe(i.id);
      const ids = [...ours.keys()];
      for (const podpilotId of [ids[0], ids[30], ids[59]] as string[]) {
        expect(await h.provider.findByPodpilotId(podpilotId)).toMatchObject({
          id: ours.get(podpilotId),
          podpilotId,
          status: 'running',
        });
      }
      expect(await h.provider.findByPodpilotId(randomUUID())).toBeNull();
    });

    it('stops and starts; both idempotent', async () => {
      const { id } = await launched();
      await h.provider.stop(id);
      expect(await h.provider.get(id)).toMatchObject({ status: 'stopped' });
      await h.provider.stop(id);
      await h.provider.start(id);
      expect((await h.provider.get(id))?.status).toMatch(/^(starting|running)$/);
      await h.provider.start(id);
      h.fake.advance(h.startDelayMs);
      expect(await h.provider.get(id)).toMatchObject({ status: 'running' });
    });

    const withDisk = options.keptDisk ? it : undefined;
    withDisk?.('stop → start keeps what the agent wrote on the kept disk', async () => {
      const disk = h.fake.disk;
      if (!disk) throw new Error(`${name}: keptDisk needs the fake's disk`);
      const { id } = await launched();
      const file = `${disk.keptPath}/.podpilot/agent-token`;
      disk.write(id, file, 'agent-credentials');
      await h.provider.stop(id);
      await h.provider.start(id);
      h.fake.advance(h.startDelayMs);
      expect(await h.provider.get(id)).toMatchObject({ status: 'running' });
      expect(disk.read(id, file)).toBe('agent-credentials');
    });

    it('start throws NoCapacityError when the machine lost its GPU', async () => {
      const { id } = await launched();
      await h.provider.stop(id);
      h.fake.takeGpu(id);
      await expect(h.provider.start(id)).rejects.toBeInstanceOf(NoCapacityError);
      expect(await h.provider.get(id)).toMatchObject({ status: 'stopped' });
    });

    it('destroy is idempotent: twice, and for an id never issued', async () => {
      const { id } = await launched();
      await h.provider.destroy(id);
      expect((await h.provider.get(id))?.status ?? 'gone').toBe('gone');
      expect(h.fake.instanceIds()).toEqual([]);
      await h.provider.destroy(id);
      await h.provider.destroy(h.unknownId);
      expect(await h.provider.get(h.unknownId)).toBeNull();
    });

    it('destroy throws NotYetTerminatedError while the instance is still shown; a retry succeeds', async () => {
      const { id } = await launched();
      h.fake.lingerAfterDestroy(id);
      await expect(h.provider.destroy(id)).rejects.toBeInstanceOf(NotYetTerminatedError);
      await h.provider.destroy(id);
      expect(h.fake.instanceIds()).toEqual([]);
    });

    it('destroy whose answer was lost: the instance is gone and the retry succeeds', async () => {
      const { id } = await launched();
      h.fake.loseResponse('destroy');
      await expect(h.provider.destroy(id)).rejects.toBeInstanceOf(ProviderUnavailableError);
      expect(h.fake.instanceIds()).toEqual([]);
      await h.provider.destroy(id);
    });

    it('throws NoCapacityError when the offer was taken, and rents nothing', async () => {
      const target = await offer();
      h.fake.takeOffer(target.id);
      await expect(h.provider.launch(spec(target.id))).rejects.toBeInstanceOf(NoCapacityError);
      expect(h.fake.instanceIds()).toEqual([]);
    });

    it('429 → RateLimitedError with the wait from Retry-After (seconds or an HTTP date)', async () => {
      h.fake.rateLimit('list', 7);
      const error = await h.provider.list().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).retryAfterMs).toBe(7000);
      const target = await offer();
      h.fake.rateLimit('launch', new Date(h.fake.now() + 12_000).toUTCString());
      const dated = await h.provider.launch(spec(target.id)).catch((e: unknown) => e);
      expect((dated as RateLimitedError).retryAfterMs).toBe(12_000);
      expect(h.fake.instanceIds()).toEqual([]);
    });

    it('5xx → ProviderUnavailableError', async () => {
      const { id } = await launched();
      h.fake.fail('get', 500);
      await expect(h.provider.get(id)).rejects.toBeInstanceOf(ProviderUnavailableError);
      h.fake.fail('list', 503);
      await expect(h.provider.list()).rejects.toBeInstanceOf(ProviderUnavailableError);
      h.fake.fail('stop', 502);
      await expect(h.provider.stop(id)).rejects.toBeInstanceOf(ProviderUnavailableError);
      h.fake.fail('destroy', 503);
      await expect(h.provider.destroy(id)).rejects.toBeInstanceOf(ProviderUnavailableError);
      expect(h.fake.instanceIds()).toEqual([id]);
    });

    it('a request with no answer → ProviderUnavailableError within the configured timeout', async () => {
      const timeoutMs = 200;
      const quick = h.make({ timeoutMs });
      await quick.list(); // a warm connection, so only the fault is timed
      h.fake.timeout('list');
      const started = performance.now();
      const error = await quick.list().catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect((error as Error).message).toContain(`no answer within ${timeoutMs} ms`);
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 20);
      expect(elapsed).toBeLessThan(timeoutMs + 2000);
    });

    it('a wrong API key → AuthError, and the key is not in the message', async () => {
      const error = await h
        .make({ apiKey: 'wrong-key-123' })
        .list()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as Error).message).not.toContain('wrong-key-123');
    });

    it('an instance that will never run is failed; one stuck loading stays starting', async () => {
      const failing = await h.provider.launch(spec((await offer()).id));
      h.fake.stuck(failing.id, 'failed');
      const loading = await h.provider.launch(spec((await offer()).id));
      h.fake.stuck(loading.id, 'loading');
      h.fake.advance(h.startDelayMs * 10);
      expect(await h.provider.get(failing.id)).toMatchObject({ status: 'failed' });
      expect(await h.provider.get(loading.id)).toMatchObject({ status: 'starting' });
    });

    if (options.searchIsRemote)
      it('search faults map like every other call', async () => {
        h.fake.rateLimit('search', 3);
        await expect(h.provider.searchOffers({})).rejects.toBeInstanceOf(RateLimitedError);
        h.fake.fail('search', 503);
        await expect(h.provider.searchOffers({})).rejects.toBeInstanceOf(ProviderUnavailableError);
      });
  });
}
