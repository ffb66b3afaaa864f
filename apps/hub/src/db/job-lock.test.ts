import { describe, expect, it } from 'vitest';
import { testDatabases } from '../test-support/databases.js';
import type { Db } from './db.js';
import { withJobLock } from './job-lock.js';
import { openPostgres } from './postgres.js';

const KEY = 0x706f6470_7e57; // a key no real job uses

/** A job that runs until `release()` is called, and says when it started. */
function blockingJob() {
  let release: () => void = () => {};
  let started: () => void = () => {};
  const running = new Promise<void>((r) => {
    started = r;
  });
  const done = new Promise<void>((r) => {
    release = r;
  });
  return {
    run: async () => {
      started();
      await done;
    },
    running,
    release: () => release(),
  };
}

describe.each(testDatabases())('withJobLock on $engine', ({ open }) => {
  it('runs a job once at a time in one process', async () => {
    const db = await open();
    try {
      const job = blockingJob();
      const first = withJobLock(db, KEY, job.run);
      await job.running;
      expect(await withJobLock(db, KEY, async () => {})).toBe(false);
      job.release();
      expect(await first).toBe(true);
      expect(await withJobLock(db, KEY, async () => {})).toBe(true);
    } finally {
      await db.close();
    }
  });
});

// Two hubs sharing one PostgreSQL database: only one of them runs the job at a time.
const url = process.env.PODPILOT_TEST_DATABASE_URL;
if (url)
  describe('withJobLock across hub processes (PostgreSQL advisory lock)', () => {
    it('lets only one of two database handles run the job, then the other', async () => {
      const hubs: Db[] = [await openPostgres(url, { max: 2 }), await openPostgres(url, { max: 2 })];
      const [a, b] = hubs as [Db, Db];
      try {
        const job = blockingJob();
        const first = withJobLock(a, KEY, job.run);
        await job.running;
        let ranOnB = false;
        expect(
          await withJobLock(b, KEY, async () => {
            ranOnB = true;
          }),
        ).toBe(false);
        expect(ranOnB).toBe(false);
        job.release();
        expect(await first).toBe(true);
        expect(await withJobLock(b, KEY, async () => {})).toBe(true); // the lock was released
      } finally {
        await Promise.all(hubs.map((h) => h.close()));
      }
    });
  });
