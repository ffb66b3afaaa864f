import type { InstanceSummary } from '@podpilot/common';
import type { Db } from '../db/db.js';
import { iso } from '../lib/dates.js';
import { InstancesRepository } from '../repositories/instances.repository.js';

/** Instances as the owner sees them. Launching, the lifecycle and reconciling come with the providers. */
export class InstancesService {
  private readonly instances: InstancesRepository;

  constructor(db: Db) {
    this.instances = new InstancesRepository(db);
  }

  async list(): Promise<InstanceSummary[]> {
    const rows = await this.instances.list();
    return rows.map((row) => ({
      ...row,
      createdAt: iso(row.createdAt),
      stateChangedAt: iso(row.stateChangedAt),
    }));
  }
}
