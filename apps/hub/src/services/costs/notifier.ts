import type { Db } from '../../db/db.js';
import { OutboundAllowlist, outboundUrlProblem } from '../../lib/outbound-address.js';
import { LifecycleRepository } from '../../repositories/lifecycle.repository.js';
import { WEBHOOK_REFUSED } from '../notifications/delivery.js';

/**
 * Why a webhook URL cannot be saved, judged by what it says (no lookup): not http(s), a metadata or
 * localhost name, or a literal address that is neither public nor in `allow` (`PODPILOT_OUTBOUND_ALLOW`);
 * null when it can.
 * A name that resolves to a private address is refused when the POST connects.
 */
export function webhookUrlProblem(url: string, allow: readonly string[] = []): string | null {
  const problem = outboundUrlProblem(url, new OutboundAllowlist(allow));
  return problem && problem !== 'expected an http(s) URL' ? WEBHOOK_REFUSED : problem;
}

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
