import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.js';
import { insertInstance, insertProfile } from '../../test-support/costs.js';
import { testDatabases } from '../../test-support/databases.js';
import { CostsService } from './costs.service.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');

describe.each(testDatabases())('CostsService ($engine)', ({ open }) => {
  let db: Db;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    db = await open();
    const sdxl = await insertProfile(db, 'sdxl');
    const flux = await insertProfile(db, 'flux');
    // Ran 3 h on Nov 10 at $0.50, was relaunched at $0.80 for 2 h across midnight, destroyed.
    ids.relaunched = await insertInstance(db, {
      name: 'relaunched',
      state: 'destroyed',
      pricePerHour: 0.8,
      profileVersionId: sdxl,
      transitions: [
        ['requested', '2026-11-10T09:00:00Z', null],
        ['launching', '2026-11-10T09:00:00Z', 0.5],
        ['ready', '2026-11-10T10:00:00Z', 0.5],
        ['failed', '2026-11-10T13:00:00Z', 0.5],
        ['launching', '2026-11-10T23:00:00Z', 0.8],
        ['ready', '2026-11-10T23:00:00Z', 0.8],
        ['destroyed', '2026-11-11T01:00:00Z', 0.8],
      ],
    });
    // Running since Oct 31 22:00 at $1 + $0.01 disk: 2 h in October, 20 days 12 h in November (up to NOW).
    ids.running = await insertInstance(db, {
      name: 'running',
      provider: 'runpod',
      state: 'ready',
      pricePerHour: 1,
      storagePricePerHour: 0.01,
      profileVersionId: flux,
      transitions: [
        ['booting', '2026-10-31T22:00:00Z', 1],
        ['ready', '2026-10-31T23:00:00Z', 1],
      ],
    });
    // Stopped since Nov 1: disk only, $0.02/h; its GPU price was never known.
    ids.stopped = await insertInstance(db, {
      name: 'stopped',
      state: 'stopped',
      pricePerHour: null,
      storagePricePerHour: 0.02,
      transitions: [
        ['ready', '2026-10-20T00:00:00Z', null],
        ['stopped', '2026-11-01T00:00:00Z', null],
      ],
    });
    // Destroyed in September: not part of November at all.
    ids.old = await insertInstance(db, {
      name: 'old',
      state: 'destroyed',
      pricePerHour: 0.3,
      transitions: [
        ['ready', '2026-09-01T00:00:00Z', 0.3],
        ['destroyed', '2026-09-01T10:00:00Z', 0.3],
      ],
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('sums a month by instance, profile and day', async () => {
    const november = await new CostsService(db, () => NOW).month('2026-11');
    const hoursInNovember = 19 * 24 + 12;
    expect(november.month).toBe('2026-11');
    expect(november.currency).toBe('USD');
    expect(november.byInstance).toEqual([
      {
        instanceId: ids.running,
        name: 'running',
        provider: 'runpod',
        profile: 'flux',
        usd: hoursInNovember * 1.01,
        gpuHours: hoursInNovember,
        pricePerHour: 1,
        priceUnknown: false,
      },
      {
        instanceId: ids.stopped,
        name: 'stopped',
        provider: 'vastai',
        profile: null,
        usd: hoursInNovember * 0.02,
        gpuHours: 0,
        pricePerHour: null,
        priceUnknown: false,
      },
      {
        instanceId: ids.relaunched,
        name: 'relaunched',
        provider: 'vastai',
        profile: 'sdxl',
        usd: 1.5 + 1.6,
        gpuHours: 5,
        pricePerHour: 0.8,
        priceUnknown: false,
      },
    ]);
    expect(november.totalUsd).toBeCloseTo(hoursInNovember * 1.03 + 3.1, 6);
    expect(november.byProfile).toEqual([
      { profile: 'flux', usd: hoursInNovember * 1.01 },
      { profile: null, usd: hoursInNovember * 0.02 },
      { profile: 'sdxl', usd: 3.1 },
    ]);
    expect(november.byDay).toHaveLength(20);
    expect(november.byDay[0]).toEqual({ day: '2026-11-01', usd: 24 * 1.03 });
    expect(november.byDay[9]).toEqual({ day: '2026-11-10', usd: 24 * 1.03 + 1.5 + 0.8 });
    expect(november.byDay[10]).toEqual({ day: '2026-11-11', usd: 24 * 1.03 + 0.8 });
    expect(november.byDay[19]).toEqual({ day: '2026-11-20', usd: 12 * 1.03 });
  });

  it('clips to the requested month and defaults to the current one', async () => {
    const service = new CostsService(db, () => NOW);
    const october = await service.month('2026-10');
    expect(october.byInstance.map((i) => [i.name, i.usd, i.priceUnknown])).toEqual([
      ['stopped', 12 * 24 * 0.02, true],
      ['running', 2.02, false],
    ]);
    expect(october.byInstance[0]?.gpuHours).toBe(12 * 24);
    expect(october.byDay).toHaveLength(31);
    expect((await service.month()).month).toBe('2026-11');
    const future = await service.month('2027-01');
    expect(future).toMatchObject({ totalUsd: 0, byInstance: [], byProfile: [], byDay: [] });
  });

  it('gives whole-life totals for instance lists', async () => {
    const service = new CostsService(db, () => NOW);
    const totals = await service.totals([ids.running as string, ids.old as string, ids.relaunched as string]);
    expect(totals.get(ids.running as string)).toEqual({
      usd: 2.02 + (19 * 24 + 12) * 1.01,
      gpuHours: 19 * 24 + 12 + 2,
    });
    expect(totals.get(ids.old as string)).toEqual({ usd: 3, gpuHours: 10 });
    expect(totals.get(ids.relaunched as string)).toEqual({ usd: 3.1, gpuHours: 5 });
    expect(totals.has(ids.stopped as string)).toBe(false);
    const all = await service.totals();
    expect([...all.keys()].sort()).toEqual(Object.values(ids).sort());
    const unknownId = '00000000-0000-4000-8000-000000000000';
    expect(await service.totals([unknownId])).toEqual(new Map([[unknownId, { usd: 0, gpuHours: 0 }]]));
    expect(await service.totals([])).toEqual(new Map());
  });
});
