import {
  type ActivityView,
  IdlePolicyOverride,
  type InstanceDetail,
  instancesEndpoints,
  MAX_KEEP_AWAKE_HOURS,
} from '@podpilot/common';
import { CliError } from './cli-error.js';
import type { HubClient } from './hub-client.js';
import { formatTime } from './output.js';
import { durationMs } from './time-option.js';

/**
 * `podpilot keep-awake ID <duration|off>`: the `until` to send — now plus a duration such as `2h`, `90m`,
 * `1d`, or null for `off`. Throws CliError naming the argument otherwise.
 */
export function keepAwakeUntil(value: string, now: number = Date.now()): string | null {
  if (/^(off|none|0)$/i.test(value.trim())) return null;
  const ms = durationMs(value);
  if (ms === null || ms <= 0)
    throw new CliError(
      `duration: expected a time to stay awake such as 2h, 90m or 1d, or "off"; got "${value}"`,
    );
  if (ms > MAX_KEEP_AWAKE_HOURS * 3_600_000)
    throw new CliError(`duration: expected at most ${MAX_KEEP_AWAKE_HOURS / 24} days, got "${value}"`);
  return new Date(now + ms).toISOString();
}

export interface IdleFlags {
  minutes?: string;
  action?: string;
  off?: boolean;
  on?: boolean;
}

/** The override `podpilot idle ID --minutes N --action A --off|--on` asks for; null when no flag is given. */
export function idleOverrideFromFlags(flags: IdleFlags): IdlePolicyOverride | null {
  if (flags.off && flags.on) throw new CliError('--off and --on: give one of them, not both');
  const raw: Record<string, unknown> = {};
  if (flags.minutes !== undefined) raw.minutes = Number(flags.minutes);
  if (flags.action !== undefined) raw.action = flags.action;
  if (flags.off) raw.disabled = true;
  if (flags.on) raw.disabled = false;
  if (!Object.keys(raw).length) return null;
  const parsed = IdlePolicyOverride.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`--${String(issue?.path[0] ?? 'minutes')}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

const clock = (iso: string, now: number) => {
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  const when = formatTime(iso);
  return minutes >= 0 ? `${when} (in ${minutes} min)` : `${when} (${-minutes} min ago)`;
};

/** Busy or idle and why, the policy, and when the idle action is due: for `podpilot idle ID`. */
export function formatActivity(instance: InstanceDetail, now: number = Date.now()): string {
  const a: ActivityView | null = instance.activity;
  if (!a) return `${instance.name} is ${instance.state}: idle stopping applies to running instances only\n`;
  const p = a.policy;
  const lines = [
    `${instance.name}: ${a.busy ? 'busy' : 'idle'} — ${a.reasons.join('; ')}`,
    `policy: ${p.disabled ? 'idle stopping off' : `${p.action} after ${p.minutes} idle min`} (${p.source === 'override' ? 'set for this instance' : 'from the profile'})`,
  ];
  if (a.keepAwakeUntil) lines.push(`kept awake until ${clock(a.keepAwakeUntil, now)}`);
  if (a.actionAt) lines.push(`${p.action} at ${clock(a.actionAt, now)} unless work resumes`);
  if (a.warnedAt) lines.push(`warned at ${clock(a.warnedAt, now)}`);
  return `${lines.join('\n')}\n`;
}

export function keepAwake(hub: HubClient, id: string, until: string | null): Promise<InstanceDetail> {
  return hub.call(instancesEndpoints.keepAwake, { params: { id }, body: { until } });
}

export function setIdlePolicy(
  hub: HubClient,
  id: string,
  override: IdlePolicyOverride | 'reset',
): Promise<InstanceDetail> {
  return override === 'reset'
    ? hub.call(instancesEndpoints.resetIdlePolicy, { params: { id } })
    : hub.call(instancesEndpoints.setIdlePolicy, { params: { id }, body: override });
}
