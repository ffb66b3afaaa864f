import { errorMessage } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import { JOB_LOCKS, withJobLock } from '../db/job-lock.js';
import { HttpError } from '../lib/http-error.js';
import { DeadlinesRepository } from '../repositories/deadlines.repository.js';
import { LifecycleRepository } from '../repositories/lifecycle.repository.js';
import type { Notifier } from '../services/costs/notifier.js';
import {
  type Deadline,
  type DeadlineRow,
  type DeadlineSettings,
  deadlineOf,
  type LaunchTimeouts,
} from '../services/instances/deadline-rules.js';
import type { LifecycleService } from '../services/instances/lifecycle.service.js';
import { repeatEvery } from './repeat.js';

export interface DeadlineWatchOptions {
  deadlines: DeadlineSettings;
  timeouts: LaunchTimeouts;
  now: () => number;
}

/**
 * Holds every GPU-billed instance to its deadline (services/instances/deadline-rules.ts): when one passes, the owner is told
 * once (event + webhook) and the instance is stopped with reason `deadline` — destroyed instead only where
 * the provider cannot stop and it never was ready. One run at a time across hubs sharing the database.
 */
export class DeadlineWatch {
  private readonly rows: DeadlinesRepository;
  private readonly lifecycleRows: LifecycleRepository;

  constructor(
    private readonly db: Db,
    private readonly lifecycle: LifecycleService,
    private readonly notifier: Notifier,
    private readonly options: DeadlineWatchOptions,
    private readonly log: FastifyBaseLogger,
  ) {
    this.rows = new DeadlinesRepository(db);
    this.lifecycleRows = new LifecycleRepository(db);
  }

  /** One pass; returns the deadlines acted on (empty when another hub's pass holds the lock). */
  async runOnce(): Promise<{ instanceId: string; deadline: Deadline }[]> {
    const acted: { instanceId: string; deadline: Deadline }[] = [];
    await withJobLock(this.db, JOB_LOCKS.deadlines, async () => {
      const now = this.options.now();
      for (const row of await this.rows.billed()) {
        const deadline = deadlineOf(row, this.options.deadlines, this.options.timeouts);
        if (!deadline || deadline.action === 'reconciler' || deadline.dueAt.getTime() > now) continue;
        try {
          await this.act(row, deadline);
          acted.push({ instanceId: row.id, deadline });
        } catch (error) {
          this.log.warn({ err: errorMessage(error), instanceId: row.id }, 'deadline: acting failed');
        }
      }
    });
    return acted;
  }

  /** Runs `runOnce` every `everyMs` (never overlapping); returns a stop function. */
  start(everyMs: number): () => void {
    return repeatEvery(
      everyMs,
      async () => {
        await this.runOnce();
      },
      (err) => this.log.warn({ err }, 'deadline pass failed'),
    );
  }

  private async act(row: DeadlineRow, deadline: Deadline): Promise<void> {
    const kind = `deadline.${deadline.kind}`;
    const stop = deadline.action === 'stop';
    if (!(await this.rows.noticedSince(row.id, kind, row.stateChangedAt)))
      await this.notifier.notify({
        kind,
        level: 'error',
        instanceId: row.id,
        message: `${deadline.message}: ${stop ? 'stopping it (disk kept)' : 'check the provider'}`,
        data: { deadline: deadline.kind, state: row.state, dueAt: deadline.dueAt.toISOString() },
      });
    if (stop) await this.stop(row, deadline);
  }

  /** Stop with reason `deadline`; where the provider cannot stop, destroy — unless it has been ready. */
  private async stop(row: DeadlineRow, deadline: Deadline): Promise<void> {
    const why = `deadline: ${deadline.message}`;
    try {
      await this.lifecycle.stop(row.id, why, 'deadline');
    } catch (error) {
      if (!(error instanceof HttpError) || error.statusCode !== 409) throw error;
      if (await this.lifecycleRows.keepsDisk(row.id)) {
        const kind = `deadline.${deadline.kind}-kept`;
        if (await this.rows.noticedSince(row.id, kind, row.stateChangedAt)) return;
        await this.notifier.notify({
          kind,
          level: 'error',
          instanceId: row.id,
          message: `${error.message}; it has been ready, so its disk is kept: destroy it yourself when done`,
        });
        return;
      }
      await this.lifecycle.destroy(row.id, why);
    }
  }
}
