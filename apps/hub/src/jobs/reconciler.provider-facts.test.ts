import { describe, expect, it } from 'vitest';
import { InstancesService } from '../services/instances/instances.service.js';
import { hubRequests } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { launchOnFake, useLifecycleHub } from '../test-support/lifecycle.js';

const HOUR_MS = 3_600_000;
const BOOT_TIMEOUT_MS = 3_600_000; // lifecycleHub's
const REGISTER_MS = 15 * 60_000;
const deadlines = {
  settings: { registerMs: REGISTER_MS, provisionMs: 20 * 60_000, silentMs: 10 * 60_000 },
  timeouts: { launchTimeoutMs: 0, bootTimeoutMs: BOOT_TIMEOUT_MS },
};

describe.each(testDatabases())('provider facts of a Vast.ai launch ($engine)', ({ open }) => {
  // Costs are read an hour after every transition and billing start (the hub's clock runs an hour ahead).
  const t = useLifecycleHub(open, { deps: { now: () => Date.now() + HOUR_MS } });
  const { owner: api } = hubRequests(() => t.hub);
  const summaryOf = async (id: string) => (await api('GET', `/api/instances/${id}`)).json();
  /** The instances service as the hub builds it once it passes its deadline rules. */
  const withDeadlines = () =>
    new InstancesService(t.db, { costs: t.hub.services.costs, idleMinuteMs: 60_000, deadlines });

  it('shows the provider status, message, GPU and address while loading, and bills from running', async () => {
    const launched = await launchOnFake(t, { offerId: '100000', idempotencyKey: 'facts-loading-01' });
    const { id, providerInstanceId } = launched.json() as { id: string; providerInstanceId: string };
    t.fake.stuck(providerInstanceId, 'loading', 'Pulling image podpilot/comfyui: 1.2 GB of 8.4 GB');
    await t.hub.services.reconciler.reconcileOnce();

    const loading = await summaryOf(id);
    expect(loading).toMatchObject({
      state: 'launching',
      gpuName: 'RTX 4090',
      gpuCount: 1,
      pricePerHour: 0.3,
      providerStatus: {
        phase: 'loading',
        message: 'Pulling image podpilot/comfyui: 1.2 GB of 8.4 GB',
        at: expect.any(String),
      },
      publicAddress: expect.stringMatching(/^203\.0\.113\.\d+$/),
      gpuBilled: false,
      costUsd: 0,
    });
    const launchingSince = Date.parse(loading.stateChangedAt);
    const detail = await withDeadlines().get(id);
    expect(Date.parse(detail.bootDeadlineAt ?? '')).toBe(launchingSince + BOOT_TIMEOUT_MS);

    // The message moves on with the pull; the time of the status with it.
    t.fake.stuck(providerInstanceId, 'loading', 'Pulling image podpilot/comfyui: 6.0 GB of 8.4 GB');
    await t.hub.services.reconciler.reconcileOnce();
    const later = await summaryOf(id);
    expect(later.providerStatus.message).toContain('6.0 GB');
    expect(Date.parse(later.providerStatus.at)).toBeGreaterThanOrEqual(Date.parse(loading.providerStatus.at));

    // Running at the provider, agent not registered yet: the GPU bills from here (an hour on the hub's clock).
    t.fake.release(providerInstanceId);
    await t.hub.services.reconciler.reconcileOnce();
    const running = await summaryOf(id);
    expect(running).toMatchObject({
      state: 'launching',
      gpuBilled: true,
      providerStatus: { phase: 'running', message: expect.stringContaining('success, running') },
    });
    // 0.30 $/h GPU for the hour, plus the disk's storage (cents): never the launch's whole life before it.
    expect(running.costUsd).toBeGreaterThan(0.29);
    expect(running.costUsd).toBeLessThan(0.35);
    const registering = await withDeadlines().get(id);
    expect(registering.bootDeadlineAt).not.toBeNull();
    const due = Date.parse(registering.bootDeadlineAt ?? '');
    expect(due).toBeLessThan(launchingSince + BOOT_TIMEOUT_MS);
    expect(due).toBeGreaterThan(launchingSince + REGISTER_MS - 60_000);

    const { instances } = (await api('GET', '/api/instances')).json();
    expect(instances.find((i: { id: string }) => i.id === id)).toMatchObject({
      gpuName: 'RTX 4090',
      gpuBilled: true,
      providerStatus: { phase: 'running' },
    });
  });
});
