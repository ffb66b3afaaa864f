import { HttpFailure, httpRequest } from '@podpilot/common/node';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import { OutboundAllowlist, outboundUrlProblem } from '../../lib/outbound-address.js';
import { OutboundGuard, outboundRefusal } from '../../lib/outbound-guard.js';
import { LifecycleRepository } from '../../repositories/lifecycle.repository.js';

const WEBHOOK_REFUSED =
  'expected a public http(s) address, got one that resolves to a private address (list it in PODPILOT_OUTBOUND_ALLOW to permit it)';

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
 * Tells the owner: every notice becomes an event (the instance's timeline, the UI) and, when a webhook URL
 * is set, a JSON POST to it. The webhook is best effort: a slow or failing endpoint is logged and never
 * delays the hub's decision (the POST runs in the background, bounded by a timeout). The POST goes through
 * the OutboundGuard: a URL that is, or resolves to, a private address is refused unless
 * `PODPILOT_OUTBOUND_ALLOW` lists it (logged, never sent; check it when saving with webhookUrlProblem).
 */
export class Notifier {
  private readonly events: LifecycleRepository;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    db: Db,
    private readonly webhookUrl: string | undefined,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
    /** The outbound gate (with the owner's `PODPILOT_OUTBOUND_ALLOW`); default: public addresses only. */
    private readonly guard: OutboundGuard = new OutboundGuard(),
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
    if (!this.webhookUrl) return;
    const payload = { ...notice, at: new Date(this.now()).toISOString(), source: 'podpilot' };
    // `what` names the target without its URL: webhook URLs carry their secret in the path.
    const post = httpRequest(
      { method: 'POST', url: this.webhookUrl, json: payload, timeoutMs: 10_000, what: 'webhook POST' },
      { fetch: this.guard.fetch },
    ).then(
      (res) => {
        if (res.status < 200 || res.status >= 300) this.answeredError(res.status, notice.kind);
      },
      (err: unknown) => {
        if (outboundRefusal(err)) this.log.warn({ kind: notice.kind }, `webhook refused: ${WEBHOOK_REFUSED}`);
        else if (err instanceof HttpFailure && err.status !== null)
          this.answeredError(err.status, notice.kind);
        else this.log.warn({ err: String(err), kind: notice.kind }, 'webhook unreachable');
      },
    );
    this.inFlight.add(post);
    void post.finally(() => this.inFlight.delete(post));
  }

  private answeredError(status: number, kind: string): void {
    this.log.warn({ status, kind }, 'webhook answered an error');
  }

  /** Resolves once every webhook POST under way has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
