import type { Queryable } from '../db/db.js';

export interface ActivitySampleRow {
  at: Date;
  gpuPercent: number | null;
  vramUsedMiB: number | null;
  vramTotalMiB: number | null;
  busy: boolean | null;
}

/** `instance_activity_samples`: the activity history behind the instance page's charts. */
export class ActivitySamplesRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Records a sample unless the instance has one less than `minGapMs` before `sample.at` (a conditional
   * insert, so several hubs sharing the database still keep one a minute). Returns whether it was recorded.
   */
  async insertSpaced(instanceId: string, sample: ActivitySampleRow, minGapMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `insert into instance_activity_samples (instance_id, at, gpu_percent, vram_used_mib, vram_total_mib, busy)
       select $1, $2, $3, $4, $5, $6
        where exists (select 1 from instances where id = $1)
          and not exists (select 1 from instance_activity_samples
                           where instance_id = $1 and at > $2::timestamptz - make_interval(secs => $7))
       returning instance_id`,
      [
        instanceId,
        sample.at,
        sample.gpuPercent,
        sample.vramUsedMiB,
        sample.vramTotalMiB,
        sample.busy,
        minGapMs / 1000,
      ],
    );
    return rows.length > 0;
  }

  /** Samples of one instance from `since` on, oldest first (at most `limit`, the newest kept). */
  async list(instanceId: string, since: Date, limit = 20_160): Promise<ActivitySampleRow[]> {
    const rows = await this.db.query<ActivitySampleRow>(
      `select at, gpu_percent as "gpuPercent", vram_used_mib as "vramUsedMiB", vram_total_mib as "vramTotalMiB", busy
         from (select * from instance_activity_samples where instance_id = $1 and at >= $2
                order by at desc limit $3) s
        order by at`,
      [instanceId, since, limit],
    );
    return rows.map((r) => ({
      ...r,
      gpuPercent: r.gpuPercent === null ? null : Number(r.gpuPercent),
      vramUsedMiB: r.vramUsedMiB === null ? null : Number(r.vramUsedMiB),
      vramTotalMiB: r.vramTotalMiB === null ? null : Number(r.vramTotalMiB),
    }));
  }

  /** Deletes samples older than `before`; returns how many. */
  async deleteBefore(before: Date): Promise<number> {
    const rows = await this.db.query('delete from instance_activity_samples where at < $1 returning 1', [
      before,
    ]);
    return rows.length;
  }
}
