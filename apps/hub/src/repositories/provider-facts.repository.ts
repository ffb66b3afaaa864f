import type { Queryable } from '../db/db.js';

/** What a provider's answer tells of a rental (ProviderInstance, normalised); null: not said this time. */
export interface ProviderFacts {
  pricePerHour: number | null;
  /** $/h billed while stopped. */
  storagePerHour: number | null;
  gpuName: string | null;
  gpuCount: number | null;
  /** The provider's status word (Vast.ai `actual_status`, Runpod `status`). */
  phase: string;
  /** Its explanation (Vast.ai `status_msg`); null when it gives none. */
  message: string | null;
  publicAddress: string | null;
}

/** When the provider started billing the GPU of a rental while its instance was still `launching`. */
export interface BillingStart {
  instanceId: string;
  at: Date;
}

/**
 * The provider's facts about each rental, as the reconciler reads them (migration 019): price, GPU, status
 * and message, public address, and when billing started. Every method throws only the driver's errors.
 */
export class ProviderFactsRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Records what the provider said: prices, GPU and address are kept when it says nothing of them this time
   * (a launch answer or a stopped rental lacks some); the phase and message are replaced, and their time
   * moves only when either changed. No write when nothing changed.
   */
  async record(id: string, facts: ProviderFacts): Promise<void> {
    await this.db.query(
      `update instances set
              price_per_hour = coalesce($2, price_per_hour),
              storage_price_per_hour = coalesce($3, storage_price_per_hour),
              gpu_name = coalesce($4, gpu_name), gpu_count = coalesce($5, gpu_count),
              provider_status_at = case
                when provider_phase is distinct from $6 or provider_status_msg is distinct from $7 then now()
                else provider_status_at end,
              provider_phase = $6, provider_status_msg = $7,
              public_address = coalesce($8, public_address), updated_at = now()
        where id = $1
          and (price_per_hour is distinct from coalesce($2, price_per_hour)
               or storage_price_per_hour is distinct from coalesce($3, storage_price_per_hour)
               or gpu_name is distinct from coalesce($4, gpu_name)
               or gpu_count is distinct from coalesce($5, gpu_count)
               or provider_phase is distinct from $6 or provider_status_msg is distinct from $7
               or public_address is distinct from coalesce($8, public_address))`,
      [
        id,
        facts.pricePerHour,
        facts.storagePerHour,
        facts.gpuName,
        facts.gpuCount,
        facts.phase,
        facts.message,
        facts.publicAddress,
      ],
    );
  }

  /**
   * Notes that the provider reports the rental running (the first time only; a stop clears it). While the
   * instance is still `launching`, its latest `launching` transition keeps the moment: the provider bills the
   * GPU from there on, before the agent registers (cost accounting reads it, `billingStarts`).
   */
  async markRunning(id: string): Promise<void> {
    await this.db.query(
      `with marked as (
         update instances set provider_running_at = now(), updated_at = now()
          where id = $1 and provider_running_at is null
          returning state
       )
       update instance_transitions t set provider_billed_at = now()
         from marked
        where marked.state = 'launching' and t.provider_billed_at is null
          and t.id = (select id from instance_transitions
                       where instance_id = $1 and to_state = 'launching'
                       order by at desc, id desc limit 1)`,
      [id],
    );
  }

  /** Every billing start recorded for the given instances (all instances when left out), oldest first. */
  async billingStarts(ids?: readonly string[]): Promise<BillingStart[]> {
    const rows = await this.db.query<BillingStart>(
      `select instance_id as "instanceId", provider_billed_at as at from instance_transitions
        where provider_billed_at is not null and ($1::uuid[] is null or instance_id = any($1::uuid[]))
        order by provider_billed_at`,
      [ids ? [...ids] : null],
    );
    return rows.map((row) => ({ ...row, at: new Date(row.at) }));
  }
}
