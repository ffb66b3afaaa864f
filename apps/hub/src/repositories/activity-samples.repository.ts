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
   * Records each sample unless its instance has one less than `minGapMs` before `sample.at` (a conditional
   * insert, so several hubs sharing the database still keep one a minute), or is gone; in one statement.
   * The gap is checked against stored samples only: a batch holds at most one sample per instance.
   * Returns how many were recorded.
   */
  async insertSpacedMany(
    samples: readonly { instanceId: string; sample: ActivitySampleRow }[],
    minGapMs: number,
  ): Promise<number> {
    if (!samples.length) return 0;
    const column = <T>(pick: (s: ActivitySampleRow) => T) => samples.map((s) => pick(s.sample));
    const rows = await this.db.query(
      `insert into instance_activity_samples (instance_id, at, gpu_percent, vram_used_mib, vram_total_mib, busy)
       select s.instance_id, s.at, s.gpu_percent, s.vram_used_mib, s.vram_total_mib, s.busy
         from unnest($1::uuid[], $2::timestamptz[], $3::real[], $4::real[], $5::real[], $6::boolean[])
              as s(instance_id, at, gpu_percent, vram_used_mib, vram_total_mib, busy)
        where exists (select 1 from instances i where i.id = s.instance_id)
          and not exists (select 1 from instance_activity_samples a
                           where a.instance_id = s.instance_id and a.at > s.at - make_interval(secs => $7))
       returning instance_id`,
      [
        samples.map((s) => s.instanceId),
        column((s) => s.at.toISOString()),
        column((s) => s.gpuPercent),
        column((s) => s.vramUsedMiB),
        column((s) => s.vramTotalMiB),
        column((s) => s.busy),
        minGapMs / 1000,
      ],
    );
    return rows.length;
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
