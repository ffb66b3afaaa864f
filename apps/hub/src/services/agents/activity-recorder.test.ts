import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.js';
import { insertInstance } from '../../test-support/costs.js';
import { testDatabases } from '../../test-support/databases.js';
import { quietFacts } from '../../test-support/idle.js';
import { ActivityRecorder, SAMPLES_KEPT_MS, sampleOf } from './activity-recorder.js';

describe('sampleOf', () => {
  it('takes the busiest GPU and sums the VRAM', () => {
    const facts = quietFacts({
      gpus: [
        { index: 0, name: null, utilizationPercent: 12, memoryUsedMiB: 100, memoryTotalMiB: 1000 },
        { index: 1, name: null, utilizationPercent: null, memoryUsedMiB: 50, memoryTotalMiB: null },
      ],
    });
    expect(sampleOf(facts, new Date(0))).toMatchObject({
      gpuPercent: 12,
      vramUsedMiB: 150,
      vramTotalMiB: 1000,
      busy: true,
    });
  });

  it('gives nulls without GPUs', () => {
    expect(sampleOf(quietFacts({ gpus: null }), new Date(0))).toMatchObject({
      gpuPercent: null,
      vramUsedMiB: null,
      vramTotalMiB: null,
      busy: false,
    });
  });
});

describe.each(testDatabases())('ActivityRecorder ($engine)', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('keeps one sample a minute, deletes those older than 14 days, and never throws', async () => {
    const id = await insertInstance(db, { name: 'rec', state: 'ready', transitions: [] });
    let now = Date.parse('2026-11-01T00:00:00Z');
    const recorder = new ActivityRecorder(db, () => now);
    await recorder.record(id, quietFacts());
    now += 30_000;
    await recorder.record(id, quietFacts());
    await recorder.record(id, undefined);
    now += 31_000;
    await recorder.record(id, quietFacts());
    const since = new Date(Date.parse('2026-10-31T00:00:00Z'));
    expect((await recorder.list(id, since)).map((s) => s.at)).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-01T00:01:01.000Z',
    ]);
    // A second hub on the same database (its own memory) still keeps the spacing.
    const other = new ActivityRecorder(db, () => now + 1_000);
    await other.record(id, quietFacts());
    await other.flush();
    expect(await recorder.list(id, since)).toHaveLength(2);

    now += SAMPLES_KEPT_MS + 3_600_000;
    await recorder.record(id, quietFacts());
    expect((await recorder.list(id, since)).map((s) => s.at)).toEqual([new Date(now).toISOString()]);

    // An unknown instance records nothing and throws nothing, nor stops the others of its batch.
    const second = await insertInstance(db, { name: 'rec-2', state: 'ready', transitions: [] });
    await recorder.record('00000000-0000-4000-8000-000000000000', quietFacts());
    await recorder.record(second, quietFacts());
    expect(await recorder.list(second, since)).toHaveLength(1);
  });
});
