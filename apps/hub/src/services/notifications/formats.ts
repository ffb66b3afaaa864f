import {
  cutToCodeUnits,
  type InstanceState,
  type NotificationFormat,
  type StopReason,
} from '@podpilot/common';

/** One thing worth telling, before it is shaped for a target. */
export interface OutgoingNotice {
  /** `ready`, `failed`, `crashed`, `provisioning.done`, `idle.warning`, `stopped`, `budget.warning`, … `test`. */
  event: string;
  level: 'info' | 'warn' | 'error';
  /** The instance it is about; null for account-wide notices (budgets, tests). */
  instance: { id: string; name: string; state: InstanceState; stopReason: StopReason | null } | null;
  /** One sentence that says what happened and why (the failure's reason itself, the stop's reason). */
  message: string;
  /** ISO time of the happening. */
  at: string;
  data: Record<string, unknown>;
}

/** Discord's `content` is at most 2,000 characters, an embed description 4,096 (see generic below). */
const DISCORD_CONTENT_MAX = 2_000;
const DISCORD_DESCRIPTION_MAX = 4_096;
/** Slack truncates long messages; a section's text is at most 3,000 characters. */
const SLACK_SECTION_MAX = 3_000;

const LEVEL_COLOURS = { info: 0x2e7d32, warn: 0xf9a825, error: 0xc62828 } as const;
const LEVEL_MARK = { info: '✅', warn: '⚠️', error: '❌' } as const;

/** `PodPilot · sdxl-box: ready — message` — the one-line text every format starts from. */
export function headline(notice: OutgoingNotice): string {
  const about = notice.instance ? ` · ${notice.instance.name}` : '';
  return `PodPilot${about}: ${notice.event}`;
}

/**
 * The JSON body for a target of `format`:
 * - `generic`: `{event, instance: {id, name, state, stopReason}, message, at, data}`;
 * - `slack`: an incoming webhook message, `{text, blocks}`: `text` is the notification's fallback, `blocks` a
 *   `section` with mrkdwn text and a `context` line (https://api.slack.com/messaging/webhooks,
 *   https://docs.slack.dev/tools/node-slack-sdk/reference/webhook/interfaces/IncomingWebhookSendArguments);
 * - `discord`: an execute-webhook body, `{content, embeds}`: `content` ≤ 2,000 characters, one embed with
 *   title, description (≤ 4,096), colour and timestamp
 *   (https://discord.com/developers/docs/resources/webhook#execute-webhook).
 */
export function formatNotice(format: NotificationFormat, notice: OutgoingNotice): Record<string, unknown> {
  if (format === 'slack') return slackBody(notice);
  if (format === 'discord') return discordBody(notice);
  return {
    event: notice.event,
    instance: notice.instance,
    message: notice.message,
    at: notice.at,
    data: notice.data,
  };
}

/** Slack's mrkdwn treats `&`, `<` and `>` as markup: they are escaped as its docs say. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function slackBody(notice: OutgoingNotice): Record<string, unknown> {
  const text = `${LEVEL_MARK[notice.level]} ${headline(notice)} — ${notice.message}`;
  const context = notice.instance
    ? `instance ${notice.instance.id} · ${notice.instance.state}${notice.instance.stopReason ? ` (${notice.instance.stopReason})` : ''} · ${notice.at}`
    : notice.at;
  return {
    text: slackEscape(text),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: cutToCodeUnits(
            `*${slackEscape(headline(notice))}*\n${slackEscape(notice.message)}`,
            SLACK_SECTION_MAX,
          ),
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(context) }] },
    ],
  };
}

function discordBody(notice: OutgoingNotice): Record<string, unknown> {
  const content = `${LEVEL_MARK[notice.level]} ${headline(notice)} — ${notice.message}`;
  return {
    content: cutToCodeUnits(content, DISCORD_CONTENT_MAX),
    // No @everyone/@here/role pings from text the hub relays.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: headline(notice),
        description: cutToCodeUnits(notice.message, DISCORD_DESCRIPTION_MAX),
        color: LEVEL_COLOURS[notice.level],
        timestamp: notice.at,
        ...(notice.instance
          ? {
              fields: [
                { name: 'state', value: notice.instance.state, inline: true },
                ...(notice.instance.stopReason
                  ? [{ name: 'stop reason', value: notice.instance.stopReason, inline: true }]
                  : []),
              ],
            }
          : {}),
      },
    ],
  };
}
