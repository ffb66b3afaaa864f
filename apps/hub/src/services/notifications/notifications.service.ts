import {
  ALL_NOTIFICATION_EVENTS,
  type CreateNotificationTarget,
  maskWebhookUrl,
  type NotificationDelivery,
  type NotificationTarget,
  type UpdateNotificationTarget,
  wantsNotice,
} from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import { isoOrNull } from '../../lib/dates.js';
import { conflict, HttpError, notFound } from '../../lib/http-error.js';
import { OutboundGuard } from '../../lib/outbound-guard.js';
import { webhookUrlProblem } from '../../lib/webhook-url.js';
import {
  type NotificationTargetRow,
  NotificationTargetsRepository,
} from '../../repositories/notification-targets.repository.js';
import type { SecretsService } from '../auth/secrets.service.js';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy, deliver } from './delivery.js';
import { formatNotice, type OutgoingNotice } from './formats.js';

export interface NotificationsOptions {
  /** `PODPILOT_WEBHOOK_URL`: the default target (generic, every event). */
  envUrl?: string | undefined;
  /** `PODPILOT_OUTBOUND_ALLOW`: private addresses a target may use. */
  outboundAllow?: readonly string[];
  /** The gate every POST goes through; default one with `outboundAllow`. */
  guard?: OutboundGuard;
  policy?: DeliveryPolicy;
  now?: () => number;
}

/** Where a target's URL is kept, encrypted (SecretsService: AES-256-GCM, the name as additional data). */
const secretName = (id: string) => `notification-target.${id}.url`;

const urlIssue = (message: string) =>
  new HttpError(400, 'invalid_request', `url: ${message}`, [{ path: 'body.url', message }]);

/**
 * Notification targets (webhooks) and the delivery of notices to them. The URLs are secrets: stored
 * encrypted, answered only as `https://host/…`, never logged. `PODPILOT_WEBHOOK_URL` is a target too (`env`:
 * generic, every event, not editable here). Each delivery retries with backoff and leaves its outcome on
 * the target (last delivery, last status, last error and when).
 */
export class NotificationsService {
  private readonly targets: NotificationTargetsRepository;
  private readonly guard: OutboundGuard;
  private readonly policy: DeliveryPolicy;
  private readonly now: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  /** Notices go out one after another, in the order they happened. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    db: Db,
    private readonly secrets: SecretsService,
    private readonly log: FastifyBaseLogger,
    private readonly options: NotificationsOptions = {},
  ) {
    this.targets = new NotificationTargetsRepository(db);
    this.guard = options.guard ?? new OutboundGuard({ allow: options.outboundAllow ?? [] });
    this.policy = options.policy ?? DEFAULT_DELIVERY_POLICY;
    this.now = options.now ?? Date.now;
  }

  async list(): Promise<NotificationTarget[]> {
    const rows = (await this.targets.list()).map(toTarget);
    const env = await this.envTarget();
    return env ? [env, ...rows] : rows;
  }

  /** Throws 400 naming `url` for a URL the guard would refuse, 409 for a name taken. */
  async create(body: CreateNotificationTarget): Promise<NotificationTarget> {
    this.checkUrl(body.url);
    const row = await this.targets.insert({
      name: body.name,
      format: body.format,
      urlHint: maskWebhookUrl(body.url),
      events: unique(body.events ?? ALL_NOTIFICATION_EVENTS),
    });
    if (!row) throw conflict(`name: a notification target named ${body.name} exists already`);
    try {
      await this.secrets.put(secretName(row.id), body.url);
    } catch (error) {
      await this.targets.remove(row.id);
      throw error;
    }
    return toTarget(row);
  }

  async update(id: string, body: UpdateNotificationTarget): Promise<NotificationTarget> {
    if (id === 'env') throw conflict('PODPILOT_WEBHOOK_URL is set by the environment: change it there');
    if (body.url !== undefined) this.checkUrl(body.url);
    if (!(await this.targets.find(id))) throw notFound(`notification target ${id}`);
    if (body.name !== undefined && (await this.targets.nameTaken(body.name, id)))
      throw conflict(`name: a notification target named ${body.name} exists already`);
    if (body.url !== undefined) await this.secrets.put(secretName(id), body.url);
    const row = await this.targets.update(id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.format !== undefined ? { format: body.format } : {}),
      ...(body.url !== undefined ? { urlHint: maskWebhookUrl(body.url) } : {}),
      ...(body.events !== undefined ? { events: unique(body.events) } : {}),
    });
    if (!row) throw notFound(`notification target ${id}`);
    return toTarget(row);
  }

  async remove(id: string): Promise<void> {
    if (id === 'env') throw conflict('PODPILOT_WEBHOOK_URL is set by the environment: unset it there');
    if (!(await this.targets.remove(id))) throw notFound(`notification target ${id}`);
    await this.secrets.remove(secretName(id)).catch(() => {});
  }

  /** Sends a `test` notice to the target now (with its retries) and answers how it went. */
  async test(id: string): Promise<{ delivery: NotificationDelivery; target: NotificationTarget }> {
    const target = (await this.list()).find((t) => t.id === id);
    if (!target) throw notFound(`notification target ${id}`);
    const notice: OutgoingNotice = {
      event: 'test',
      level: 'info',
      instance: null,
      message: `a test notice from PodPilot to ${target.name}: this target works`,
      at: new Date(this.now()).toISOString(),
      data: {},
    };
    const delivery = await this.sendTo(target, notice);
    const after = (await this.list()).find((t) => t.id === id) ?? target;
    return { delivery, target: after };
  }

  /** Delivers `notice` to every target that wants it, in the background, after those before it (see settled). */
  dispatch(notice: OutgoingNotice): void {
    const run = this.tail
      .then(async () => {
        for (const target of await this.list())
          if (wantsNotice(target.events, notice.event)) await this.sendTo(target, notice);
      })
      .catch((err: unknown) => this.log.warn({ err: String(err) }, 'notification dispatch failed'));
    this.tail = run;
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Resolves once every delivery under way has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private async sendTo(target: NotificationTarget, notice: OutgoingNotice): Promise<NotificationDelivery> {
    const url = target.id === 'env' ? this.options.envUrl : await this.secrets.reveal(secretName(target.id));
    const delivery = url
      ? await deliver(url, formatNotice(target.format, notice), this.guard, this.policy, this.now)
      : missingUrl(this.now());
    await this.targets.recordOutcome(target.id, {
      at: new Date(delivery.at),
      ok: delivery.ok,
      error: delivery.error,
    });
    // The target's name and id only: its URL carries the webhook's secret.
    if (!delivery.ok)
      this.log.warn(
        { target: target.name, event: notice.event, status: delivery.status, attempts: delivery.attempts },
        `notification not delivered: ${delivery.error}`,
      );
    return delivery;
  }

  private checkUrl(url: string): void {
    const problem = webhookUrlProblem(url, this.options.outboundAllow ?? []);
    if (problem) throw urlIssue(problem);
  }

  private async envTarget(): Promise<NotificationTarget | null> {
    if (!this.options.envUrl) return null;
    const outcome = await this.targets.envOutcome();
    return {
      id: 'env',
      name: 'PODPILOT_WEBHOOK_URL',
      format: 'generic',
      urlHint: maskWebhookUrl(this.options.envUrl),
      events: [...ALL_NOTIFICATION_EVENTS],
      fromEnvironment: true,
      lastDeliveryAt: isoOrNull(outcome.lastDeliveryAt),
      lastStatus: outcome.lastStatus,
      lastError: outcome.lastError,
      lastErrorAt: isoOrNull(outcome.lastErrorAt),
      createdAt: null,
    };
  }
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

const missingUrl = (at: number): NotificationDelivery => ({
  ok: false,
  status: null,
  error: 'the URL of this target is missing (store it again with PUT)',
  attempts: 0,
  at: new Date(at).toISOString(),
});

function toTarget(row: NotificationTargetRow): NotificationTarget {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    urlHint: row.urlHint,
    events: row.events,
    fromEnvironment: false,
    lastDeliveryAt: isoOrNull(row.lastDeliveryAt),
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    lastErrorAt: isoOrNull(row.lastErrorAt),
    createdAt: row.createdAt.toISOString(),
  };
}
