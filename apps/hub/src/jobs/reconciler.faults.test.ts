/**
 * Fault injection: 1,000 launches (and retries of some) against the Vast.ai fake while it answers 5xx, 429,
 * hangs (past a short client timeout, with or without having rented) or drops its answer after renting;
 * then the reconciler runs, under list/destroy faults too, until nothing changes. Afterwards no GPU is
 * rented twice for one instance and every rental the fake holds belongs to a live instance of the hub.
 */
import { describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabases } from '../test-support/databases.js';
import { useLifecycleHub } from '../test-support/lifecycle.js';

const LAUNCHES = 1000;
const CONCURRENCY = 16;

/** Deterministic (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const [pglite] = testDatabases();

describe('launch under random provider faults', () => {
  // The client timeout stays well above a loaded machine's answer time: only injected hangs time out.
  const t = useLifecycleHub((pglite as TestDatabase).open, { offers: LAUNCHES + 10, timeoutMs: 1_000 });

  it('never rents twice for one instance and leaks nothing', async () => {
    const rnd = random(20_260_101);
    const fault = (route: 'launch' | 'list' | 'destroy') => {
      const r = rnd();
      if (r < 0.08) t.fake.fail(route, { status: 502 });
      else if (r < 0.14) t.fake.rateLimit(route, 0);
      else if (r < 0.18) t.fake.timeout(route, { mutate: rnd() < 0.5 });
      else if (r < 0.26 && route !== 'list') t.fake.loseResponse(route);
    };
    const lifecycle = t.hub.services.lifecycle;
    const request = (i: number) => ({
      profile: 'tiny',
      provider: 'vastai' as const,
      offerId: String(100_000 + i),
      idempotencyKey: `fault-key-${i.toString().padStart(5, '0')}`,
      diskGb: 20,
      relaunch: 1,
    });
    const work = Array.from({ length: LAUNCHES }, (_, i) => i);
    // Some keys are sent again (a client retrying after a lost answer), also while the first is in flight.
    for (let i = 0; i < 150; i++) work.push(Math.floor(rnd() * LAUNCHES));
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < work.length) {
          const i = work[next++] as number;
          fault('launch');
          if (rnd() < 0.1) fault('list');
          await lifecycle.launch(request(i));
        }
      }),
    );

    const reconciler = t.hub.services.reconciler;
    let quiet = 0;
    let adopted = 0;
    for (let pass = 0; pass < 30 && quiet < 2; pass++) {
      if (pass < 5) {
        fault('list');
        fault('destroy');
      }
      const report = await reconciler.reconcileOnce();
      adopted += report.adopted;
      const changed = report.leaksDestroyed + report.adopted + report.vanished + report.failed;
      quiet = changed === 0 && report.unavailable.length === 0 ? quiet + 1 : 0;
    }
    expect(quiet).toBe(2);
    expect(adopted).toBeGreaterThan(0); // lost answers were found by label, not rented again

    const held = t.fake.instances();
    const labels = held.map((i) => i.label);
    expect(new Set(labels).size).toBe(labels.length); // no double rental
    const rows = await t.db.query<{ id: string; state: string; providerInstanceId: string | null }>(
      `select id, state, provider_instance_id as "providerInstanceId" from instances`,
    );
    expect(rows).toHaveLength(LAUNCHES);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const orphans = held.filter((instance) => {
      const row = byId.get(instance.label?.replace(/^podpilot-/, '') ?? '');
      return (
        !row || row.providerInstanceId !== String(instance.id) || ['failed', 'destroyed'].includes(row.state)
      );
    });
    expect(orphans).toEqual([]);
    // Every live row holds its rental; nothing is left half-launched.
    const live = rows.filter((r) => !['failed', 'destroyed'].includes(r.state));
    expect(live.every((r) => r.providerInstanceId !== null)).toBe(true);
    expect(live.length).toBe(held.length);
    expect(live.length).toBeGreaterThan(LAUNCHES / 2);
  }, 180_000); // 1,000 launches: ~25 s alone, over a minute on a loaded machine
});
