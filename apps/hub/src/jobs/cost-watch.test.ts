import { describe, expect, it } from 'vitest';
import { manualClock } from '../providers/test-support/fake-server.js';
import { testDatabases } from '../test-support/databases.js';
import { idleTestKit, quietFacts } from '../test-support/idle.js';
import { launchOnFake, useLifecycleHub } from '../test-support/lifecycle.js';

const MINUTE = 60_000;

describe.each(testDatabases())('budgets are enforced ($engine)', ({ open }) => {
  const clock = manualClock(Date.now());
  const t = useLifecycleHub(open, { deps: { now: clock.now, lifecycle: { finalSyncMs: 10_000 } } });
  const k = idleTestKit(t, clock);

  const setBudgets = async (budgets: Record<string, number | null>) => {
    const res = await k.api('PUT', '/api/budgets', {
      monthlyCapUsd: null,
      maxHoursPerInstance: null,
      maxPricePerHour: null,
      ...budgets,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const launch = (key: string, offerId: string) => launchOnFake(t, { offerId, idempotencyKey: key });

  it('refuses an offer above the max $/h before renting anything', async () => {
    await setBudgets({ maxPricePerHour: 0.2 });
    const rentalsBefore = t.fake.callsTo('launch').length;
    const res = await launch('budget-max-price', '100010');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'budget_exceeded' });
    expect(res.json().error.message).toContain(
      "offer 100010 is not among the offers at or under the budget's max $0.20/h",
    );
    expect(t.fake.callsTo('launch')).toHaveLength(rentalsBefore);
    await setBudgets({});
  });

  it('at the monthly cap: refuses launches with a clear message and stops running instances after a final sync', async () => {
    const agent = await k.readyInstance('budget-cap-running');
    await t.hub.services.reconciler.reconcileOnce(); // learns the price the provider bills
    // Half an hour at ~$0.30/h: about $0.15, over a $0.10 cap.
    for (let i = 0; i < 6; i++) {
      clock.advance(5 * MINUTE);
      await agent.beat(quietFacts({ webui: { busy: true, source: 'api', detail: 'ComfyUI: 1 running' } }));
    }
    const status = await setBudgets({ monthlyCapUsd: 0.1 });
    expect(status).toMatchObject({ state: 'exceeded' });

    const refused = await launch('budget-cap-refused', '100011');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(
      /^the monthly budget of \$0\.10 is spent \(\$0\.1\d+ this month\); raise it with podpilot budget set --monthly-cap/,
    );

    expect(await t.hub.services.costWatch.runOnce()).toBe(true);
    await k.settle(agent);
    expect(await k.stateOf(agent.id)).toBe('stopped');
    expect(agent.stopsWhenSynced).toEqual([0]); // synced, then stopped
    expect(await k.eventKinds(agent.id)).toContain('budget.stop');
    expect(await k.history(agent.id)).toContainEqual(
      expect.stringMatching(/^stopping: budget: .*\(final sync: synced\)$/),
    );
    const events = await t.db.query<{ kind: string }>(
      "select kind from events where instance_id is null and kind like 'budget.%'",
    );
    expect(events.map((e) => e.kind)).toEqual(['budget.exceeded']);
    // The warning goes out once a month, however often the watch runs.
    await t.hub.services.costWatch.runOnce();
    expect(
      await t.db.query("select kind from events where instance_id is null and kind like 'budget.%'"),
    ).toHaveLength(1);
  });

  it('stops an instance that reached the max hours', async () => {
    await setBudgets({ maxHoursPerInstance: 1 });
    const agent = await k.readyInstance('budget-max-hours');
    await t.hub.services.reconciler.reconcileOnce();
    for (let i = 0; i < 13; i++) {
      clock.advance(5 * MINUTE);
      await agent.beat(quietFacts({ webui: { busy: true, source: 'api', detail: 'ComfyUI: 1 running' } }));
    }
    await t.hub.services.costWatch.runOnce();
    await k.settle(agent);
    expect(await k.stateOf(agent.id)).toBe('stopped');
    expect(await k.history(agent.id)).toContainEqual(expect.stringMatching(/^stopping: budget: /));
  });
});
