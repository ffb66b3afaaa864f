import type { Db } from '../../db/db.js';
import { LifecycleRepository } from '../../repositories/lifecycle.repository.js';

export interface Notice {
  /** `idle.warning`, `idle.cancelled`, `idle.action`, `budget.warning`, `budget.exceeded`, … */
  kind: string;
  level: 'info' | 'warn' | 'error';
  /** The instance it is about; null for account-wide notices (budgets). */
  instanceId: string | null;
  message: string;
  data?: Record<string, unknown>;
}

/**
 * Tells the owner: every notice becomes a hub event (the instance's timeline, the UI). The notification job
 * (jobs/notification-watch.ts) reads new events of the kinds targets may want (`idle.warning`, `budget.*`,
 * `deadline.*`) and delivers them to the notification targets (`PODPILOT_WEBHOOK_URL` among them), durably
 * and once each; `wake` asks it to look now rather than at its next pass. Never waits for a webhook.
 */
export class Notifier {
  private readonly events: LifecycleRepository;

  constructor(
    db: Db,
    private readonly wake: () => void = () => {},
  ) {
    this.events = new LifecycleRepository(db);
  }

  async notify(notice: Notice): Promise<void> {
    await this.events.event(
      notice.instanceId,
      notice.level,
      notice.kind,
      notice.message,
      notice.data ?? null,
    );
    this.wake();
  }

  /** Nothing of the notifier's own runs in the background any more (kept for the idle service's shutdown). */
  async settled(): Promise<void> {}
}
