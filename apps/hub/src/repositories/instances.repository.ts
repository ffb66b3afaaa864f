import type { InstanceState } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

export interface InstanceRow {
  id: string;
  name: string;
  provider: string;
  providerInstanceId: string | null;
  state: InstanceState;
  stateReason: string | null;
  gpuName: string | null;
  gpuCount: number | null;
  pricePerHour: number | null;
  createdAt: Date;
  stateChangedAt: Date;
}

const columns = `id, name, provider, provider_instance_id as "providerInstanceId", state, state_reason as "stateReason",
  gpu_name as "gpuName", gpu_count as "gpuCount", price_per_hour as "pricePerHour", created_at as "createdAt",
  state_changed_at as "stateChangedAt"`;

export class InstancesRepository {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<InstanceRow[]> {
    return this.db.query<InstanceRow>(`select ${columns} from instances order by created_at desc`);
  }
}
