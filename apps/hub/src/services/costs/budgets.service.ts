import { AGENT_STATES, type BudgetStatus, Budgets } from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { HttpError } from '../../lib/http-error.js';
import { CostsRepository } from '../../repositories/costs.repository.js';
import { round6 } from './cost-intervals.js';
import type { CostsService } from './costs.service.js';

/** Settings keys. */
const BUDGETS_KEY = 'budgets';
const WARNED_MONTH_KEY = 'budget-warned-month';

const NO_LIMITS: Budgets = { monthlyCapUsd: null, maxHoursPerInstance: null, maxPricePerHour: null };
/** `status.state` is `warning` from this share of the cap on. */
const WARNING_PERCENT = 80;
/** States in which a rented GPU runs and can be stopped to save money. */

/** `12.3` → `12.30`, `0.605` → `0.605`: two decimals, more only when they matter (at most 4). */
export const dollars = (usd: number): string => usd.toFixed(4).replace(/0{1,2}$/, '');

/**
 * The owner's spending limits (settings key `budgets`; all null — no limits — until set) and what follows
 * from them: the month's status, refusing launches, the instances to stop, the once-a-month warning.
 */
export class BudgetsService {
  private readonly repo: CostsRepository;

  constructor(
    db: Db,
    private readonly costs: CostsService,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = new CostsRepository(db);
  }

  /**
   * The limits in force; no limits when never set. Read-only. Throws when the stored value is not valid
   * `Budgets` (only possible by editing the database).
   */
  async get(): Promise<Budgets> {
    const stored = await this.repo.getSetting(BUDGETS_KEY);
    if (stored === undefined) return { ...NO_LIMITS };
    const parsed = Budgets.safeParse(stored);
    if (!parsed.success) throw new Error(`settings key ${BUDGETS_KEY} holds an invalid value`);
    return parsed.data;
  }

  /**
   * Replaces all three limits and returns them. Idempotent. Throws HttpError 400 (`invalid_request`, issues
   * naming the field) when `budgets` is not valid.
   */
  async set(budgets: Budgets): Promise<Budgets> {
    const parsed = Budgets.safeParse(budgets);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.join('.') || 'budgets',
        message: i.message,
      }));
      throw new HttpError(
        400,
        'invalid_request',
        issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        issues,
      );
    }
    await this.repo.putSetting(BUDGETS_KEY, parsed.data);
    return parsed.data;
  }

  /** The limits and this UTC month's spend against the cap. Read-only. */
  async status(): Promise<BudgetStatus> {
    const [budgets, month] = await Promise.all([this.get(), this.costs.month(this.currentMonth())]);
    const cap = budgets.monthlyCapUsd;
    const percent = cap === null ? null : round6((month.totalUsd / cap) * 100);
    return {
      budgets,
      month: month.month,
      monthSpentUsd: month.totalUsd,
      monthPercent: percent,
      state: percent === null || percent < WARNING_PERCENT ? 'ok' : percent < 100 ? 'warning' : 'exceeded',
    };
  }

  /**
   * Resolves when a launch at `pricePerHour` (null: not known yet) is within the budget. Read-only. Throws
   * HttpError 409 `budget_exceeded` when the price is above `maxPricePerHour` or when this month's spend has
   * reached `monthlyCapUsd`; the message says which and how to proceed.
   */
  async assertLaunchAllowed(pricePerHour: number | null): Promise<void> {
    const { maxPricePerHour, monthlyCapUsd } = await this.get();
    if (maxPricePerHour !== null && pricePerHour !== null && pricePerHour > maxPricePerHour) {
      throw new HttpError(
        409,
        'budget_exceeded',
        `offer at $${dollars(pricePerHour)}/h is above the budget's max $${dollars(maxPricePerHour)}/h`,
      );
    }
    if (monthlyCapUsd === null) return;
    const status = await this.status();
    if (status.state === 'exceeded') {
      throw new HttpError(
        409,
        'budget_exceeded',
        `${capSpent(status)}; raise it with podpilot budget set --monthly-cap N or wait for next month`,
      );
    }
  }

  /**
   * The running GPU instances (`booting, provisioning, ready, idle`) to stop: all of them when this month's
   * spend reached the cap, and each whose GPU-billed hours over its whole life reached
   * `maxHoursPerInstance`; one entry per instance, the cap's reason first. Read-only (the caller stops them).
   */
  async overBudget(): Promise<{ instanceId: string; reason: string }[]> {
    const budgets = await this.get();
    if (budgets.monthlyCapUsd === null && budgets.maxHoursPerInstance === null) return [];
    const running = await this.repo.instancesIn(AGENT_STATES);
    if (!running.length) return [];
    if (budgets.monthlyCapUsd !== null) {
      const status = await this.status();
      if (status.state === 'exceeded') {
        return running.map((i) => ({ instanceId: i.id, reason: capSpent(status) }));
      }
    }
    const maxHours = budgets.maxHoursPerInstance;
    if (maxHours === null) return [];
    const totals = await this.costs.totals(running.map((i) => i.id));
    return running.flatMap((i) => {
      const hours = totals.get(i.id)?.gpuHours ?? 0;
      return hours >= maxHours
        ? [
            {
              instanceId: i.id,
              reason: `ran ${hours.toFixed(1)} GPU hours, the budget's max per instance is ${maxHours} h`,
            },
          ]
        : [];
    });
  }

  /**
   * The status when it is `warning` or `exceeded` and no warning was given this month yet, else null. Gives
   * each month's warning once (remembered in settings key `budget-warned-month`, claimed atomically, so
   * several hubs never warn twice): not idempotent by design.
   */
  async warningDue(): Promise<BudgetStatus | null> {
    const status = await this.status();
    if (status.state === 'ok') return null;
    return (await this.repo.claimSetting(WARNED_MONTH_KEY, status.month)) ? status : null;
  }

  private currentMonth(): string {
    return new Date(this.now()).toISOString().slice(0, 7);
  }
}

const capSpent = (status: BudgetStatus) =>
  `the monthly budget of $${dollars(status.budgets.monthlyCapUsd ?? 0)} is spent ($${dollars(status.monthSpentUsd)} this month)`;
