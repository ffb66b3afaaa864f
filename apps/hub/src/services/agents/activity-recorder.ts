import type { ActivityFacts, ActivitySample } from '@podpilot/common';
import { judgeActivity } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import {
  type ActivitySampleRow,
  ActivitySamplesRepository,
} from '../../repositories/activity-samples.repository.js';

/** One sample a minute per instance. */
export const SAMPLE_EVERY_MS = 60_000;
/** Samples older than this are deleted. */
export const SAMPLES_KEPT_MS = 14 * 24 * 3_600_000;
/** How often the old samples are deleted (at most). */
const PRUNE_EVERY_MS = 3_600_000;
/** Samples waiting are written together this often, or as soon as this many wait. */
export const FLUSH_EVERY_MS = 5_000;
const FLUSH_AT = 200;
/** What `GET /api/instances/:id/activity` returns without `since`. */
export const DEFAULT_WINDOW_MS = 24 * 3_600_000;

/** The chart's numbers from one heartbeat's activity facts: the busiest GPU, the VRAM of all GPUs. */
export function sampleOf(facts: ActivityFacts, at: Date): ActivitySampleRow {
  const gpus = facts.gpus ?? [];
  const utilisation = gpus.map((g) => g.utilizationPercent).filter((v): v is number => v !== null);
  const used = gpus.map((g) => g.memoryUsedMiB).filter((v): v is number => v !== null);
  const total = gpus.map((g) => g.memoryTotalMiB).filter((v): v is number => v !== null);
  const sum = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) : null);
  return {
    at,
    gpuPercent: utilisation.length ? Math.max(...utilisation) : null,
    vramUsedMiB: sum(used),
    vramTotalMiB: sum(total),
    // Only the signals of the present: the window of remembered outputs and requests does not apply here.
    busy: judgeActivity(facts, 0).busyNow,
  };
}

/**
 * Keeps the activity history: at most one sample per instance per minute from the heartbeats' activity
 * facts, and deletes samples older than 14 days (at most hourly, from the same calls). Samples are batched:
 * a heartbeat only queues its sample, and the queue is written in one statement every FLUSH_EVERY_MS, at
 * FLUSH_AT samples, before a list() (a hub reads its own samples at once; another hub sees them up to 5 s
 * later) and at close() — at 2,000 agents, one insert every few seconds instead of 33 a second. A failure is
 * logged, never passed on: the heartbeat that carried the facts must still be answered.
 */
export class ActivityRecorder {
  private readonly samples: ActivitySamplesRepository;
  /** Last sample time per instance in this process: spares the database most heartbeats. */
  private readonly last = new Map<string, number>();
  private queue: { instanceId: string; sample: ActivitySampleRow }[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastPrune = 0;

  constructor(
    db: Db,
    private readonly now: () => number,
    private readonly log?: FastifyBaseLogger,
  ) {
    this.samples = new ActivitySamplesRepository(db);
  }

  /** Queues a sample when the instance's last one is a minute old; prunes old samples hourly. Never throws. */
  async record(instanceId: string, facts: ActivityFacts | undefined): Promise<void> {
    const now = this.now();
    if (facts && now - (this.last.get(instanceId) ?? Number.NEGATIVE_INFINITY) >= SAMPLE_EVERY_MS) {
      this.last.set(instanceId, now);
      this.queue.push({ instanceId, sample: sampleOf(facts, new Date(now)) });
      if (this.queue.length >= FLUSH_AT) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS).unref();
    }
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    if (this.last.size > 10_000) this.last.clear();
    await this.samples
      .deleteBefore(new Date(now - SAMPLES_KEPT_MS))
      .catch((error: unknown) => this.log?.warn({ err: error }, 'activity: deleting old samples failed'));
  }

  /** Writes the samples waiting (one statement); resolves once they and any earlier batch are written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(async () => {
      try {
        // A little under a minute in the database: heartbeats do not arrive on the minute exactly.
        await this.samples.insertSpacedMany(batch, SAMPLE_EVERY_MS - 5_000);
      } catch (error) {
        this.log?.warn({ err: error, samples: batch.length }, 'activity: recording samples failed');
      }
    });
    return this.flushing;
  }

  /** Samples of one instance since `since` (default: the last 24 hours), oldest first. */
  async list(instanceId: string, since: Date | undefined): Promise<ActivitySample[]> {
    await this.flush();
    const rows = await this.samples.list(instanceId, since ?? new Date(this.now() - DEFAULT_WINDOW_MS));
    return rows.map((r): ActivitySample => ({ ...r, at: r.at.toISOString() }));
  }
}
