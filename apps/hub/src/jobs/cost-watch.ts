import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import { JOB_LOCKS, withJobLock } from '../db/job-lock.js';
import type { BudgetsService } from '../services/costs/budgets.service.js';
import type { IdleService } from '../services/costs/idle.service.js';
import type { Notifier } from '../services/costs/notifier.js';
import { repeatEvery } from './repeat.js';

const usd = (n: number) => `$${n.toFixed(2)}`;

/**
 * The periodic side of cost control: judges instances whose agent went silent (heartbeats judge the others
 * at once), warns when the month's spend nears the cap, and stops what the budget no longer allows. One run
 * at a time across every hub sharing the database.
 */
export class CostWatch {
  constructor(
    private readonly db: Db,
    private readonly idle: IdleService,
    private readonly budgets: BudgetsService,
    private readonly notifier: Notifier,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** One pass; false when another hub's pass holds the lock. */
  async runOnce(): Promise<boolean> {
    return withJobLock(this.db, JOB_LOCKS.costWatch, async () => {
      await this.idle.sweep();
      const warning = await this.budgets.warningDue();
      if (warning) {
        const cap = warning.budgets.monthlyCapUsd ?? 0;
        const exceeded = warning.state === 'exceeded';
        await this.notifier.notify({
          kind: exceeded ? 'budget.exceeded' : 'budget.warning',
          level: exceeded ? 'error' : 'warn',
          instanceId: null,
          message: exceeded
            ? `the monthly budget of ${usd(cap)} is spent (${usd(warning.monthSpentUsd)}): launches are refused and running instances stopped`
            : `${Math.floor(warning.monthPercent ?? 0)} % of the monthly budget of ${usd(cap)} is spent (${usd(warning.monthSpentUsd)})`,
          data: { ...warning },
        });
      }
      for (const { instanceId, reason } of await this.budgets.overBudget())
        await this.idle.haltForBudget(instanceId, reason);
    });
  }

  /** Runs `runOnce` every `everyMs` (never overlapping); returns a stop function. */
  start(everyMs: number): () => void {
    return repeatEvery(
      everyMs,
      () => this.runOnce(),
      (err) => this.log.warn({ err }, 'cost watch pass failed'),
    );
  }
}
