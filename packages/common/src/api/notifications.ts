import * as z from 'zod';

/**
 * What a notification target may ask for. `budget` covers `budget.warning` and `budget.exceeded`,
 * `deadline` every `deadline.*` notice; `stopped` every stop (a target asking for `stopped` also gets
 * `crashed` and `preempted`, which are stops with that reason).
 */
export const NotificationEvent = z.enum([
  'ready',
  'failed',
  'crashed',
  'provisioning.done',
  'idle.warning',
  'stopped',
  'budget',
  'deadline',
  'preempted',
]);
export type NotificationEvent = z.infer<typeof NotificationEvent>;

/** Every event: what a target gets when it names none (and what `PODPILOT_WEBHOOK_URL` gets). */
export const ALL_NOTIFICATION_EVENTS: readonly NotificationEvent[] = NotificationEvent.options;

/**
 * The body sent: `generic` JSON (`{event, instance, message, at, data}`), a Slack incoming webhook
 * (`{text, blocks}`) or a Discord webhook (`{content, embeds}`).
 */
export const NotificationFormat = z.enum(['generic', 'slack', 'discord']);
export type NotificationFormat = z.infer<typeof NotificationFormat>;

/** Which event a notice is for, as subscribed: `budget.warning` → `budget`, `deadline.boot` → `deadline`. */
export function subscriptionOf(event: string): NotificationEvent | null {
  const head = event.startsWith('budget.') ? 'budget' : event.startsWith('deadline.') ? 'deadline' : event;
  const parsed = NotificationEvent.safeParse(head);
  return parsed.success ? parsed.data : null;
}

/** Whether a target asking for `events` gets a notice of `event` (crashed and preempted are stops too). */
export function wantsNotice(events: readonly NotificationEvent[], event: string): boolean {
  const sub = subscriptionOf(event);
  if (!sub) return false;
  return events.includes(sub) || ((sub === 'crashed' || sub === 'preempted') && events.includes('stopped'));
}

const TargetName = z
  .string({ message: 'expected a name' })
  .trim()
  .min(1, 'expected a name')
  .max(100, 'expected at most 100 characters');

const TargetUrl = z
  .string({ message: 'expected an http(s) URL' })
  .trim()
  .max(2000, 'expected at most 2000 characters')
  .refine((url) => /^https?:\/\/[^\s/]+/i.test(url), 'expected an http(s) URL');

const TargetEvents = z
  .array(NotificationEvent, {
    message: `expected a list of events (${NotificationEvent.options.join(', ')})`,
  })
  .max(NotificationEvent.options.length * 2, 'expected each event once');

/** `POST /api/notifications/targets`: a webhook the hub tells; `events` left out means every event. */
export const CreateNotificationTarget = z.object({
  name: TargetName,
  format: NotificationFormat.default('generic'),
  url: TargetUrl,
  events: TargetEvents.optional(),
});
export type CreateNotificationTarget = z.infer<typeof CreateNotificationTarget>;

/** `PUT /api/notifications/targets/:id`: the fields to change (the URL only when given). */
export const UpdateNotificationTarget = z.object({
  name: TargetName.optional(),
  format: NotificationFormat.optional(),
  url: TargetUrl.optional(),
  events: TargetEvents.optional(),
});
export type UpdateNotificationTarget = z.infer<typeof UpdateNotificationTarget>;

/** The outcome of one notice to one target, after its retries. */
export const NotificationDelivery = z.object({
  ok: z.boolean(),
  /** The receiver's HTTP status of the last try; null when it never answered (refused, unreachable). */
  status: z.number().int().nullable(),
  /** Why it failed (never the URL); null when delivered. */
  error: z.string().nullable(),
  /** How many tries it took. */
  attempts: z.number().int(),
  at: z.iso.datetime(),
});
export type NotificationDelivery = z.infer<typeof NotificationDelivery>;

/** A target as the API shows it: its URL is a secret, shown only as scheme + host + `/…`. */
export const NotificationTarget = z.object({
  /** A UUID, or `env` for `PODPILOT_WEBHOOK_URL`. */
  id: z.string(),
  name: z.string(),
  format: NotificationFormat,
  /** `https://hooks.slack.com/…`: never the path or query, which carry the webhook's secret. */
  urlHint: z.string(),
  events: z.array(NotificationEvent),
  /** `PODPILOT_WEBHOOK_URL`: set by the hub's environment, cannot be changed or deleted here. */
  fromEnvironment: z.boolean(),
  lastDeliveryAt: z.iso.datetime().nullable(),
  lastStatus: z.enum(['ok', 'failed']).nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime().nullable(),
});
export type NotificationTarget = z.infer<typeof NotificationTarget>;

export const ListNotificationTargetsResponse = z.object({ targets: z.array(NotificationTarget) });
export type ListNotificationTargetsResponse = z.infer<typeof ListNotificationTargetsResponse>;

/** `POST /api/notifications/targets/:id/test`: what the test notice's delivery gave. */
export const NotificationTestResponse = z.object({
  delivery: NotificationDelivery,
  target: NotificationTarget,
});
export type NotificationTestResponse = z.infer<typeof NotificationTestResponse>;

/** `:id` of a notification target (`env` for `PODPILOT_WEBHOOK_URL`). */
export const NotificationTargetIdParams = z.object({
  id: z.union([z.uuid(), z.literal('env')], { message: 'expected a notification target id (UUID)' }),
});

/** `https://hooks.slack.com/…`: what may be shown of a webhook URL. */
export function maskWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '…';
  }
}
