import {
  type ActivityFacts,
  type ActivityJudgement,
  type ActivityView,
  type IdlePolicyView,
  judgeActivity,
} from '@podpilot/common';
import type { IdleRow } from '../../repositories/idle.repository.js';

/** The safe default when a profile says nothing: stop after 30 idle minutes. */
export const DEFAULT_IDLE = { minutes: 30, action: 'stop' } as const;
/** The warning goes out this many idle minutes before the action (at most half the idle window). */
export const WARNING_LEAD_MINUTES = 5;

/** The policy in force: the owner's override for the instance over the profile's `idle:`. */
export function policyOf(row: Pick<IdleRow, 'profilePolicy' | 'override'>): IdlePolicyView {
  const profile = {
    minutes: row.profilePolicy?.minutes ?? DEFAULT_IDLE.minutes,
    action: row.profilePolicy?.action ?? DEFAULT_IDLE.action,
  };
  const o = row.override;
  if (!o) return { ...profile, source: 'profile', disabled: false };
  return {
    minutes: o.minutes ?? profile.minutes,
    action: o.action ?? profile.action,
    source: 'override',
    disabled: o.disabled ?? false,
  };
}

/** Facts as they stand `elapsedMs` after they were sent: remembered signals have aged meanwhile. */
function aged(facts: ActivityFacts, elapsedMs: number): ActivityFacts {
  const plus = (s: number | null) => (s === null ? null : s + Math.max(0, elapsedMs) / 1000);
  return {
    ...facts,
    secondsSinceOutput: plus(facts.secondsSinceOutput),
    secondsSinceRequest: plus(facts.secondsSinceRequest),
  };
}

export interface IdleAssessment {
  policy: IdlePolicyView;
  judgement: ActivityJudgement | null;
  /** Each signal that shows work, or what each shows; plus a silent agent's silence. */
  reasons: string[];
  /** Something shows work now (a fresh report only: a silent agent shows nothing). */
  busy: boolean;
  /** The latest work any signal shows (the idle clock runs from here). */
  lastActivityAt: number;
  /** When the idle action is due; null when exempt (disabled). */
  actionAt: number | null;
  warnAt: number | null;
  due: 'none' | 'warn' | 'act';
  /** `idle` once nothing has shown work for a minute; `ready` otherwise. */
  state: 'ready' | 'idle';
}

/** An activity report and when the hub received it; `fresh` when it arrived just now (a heartbeat). */
export interface ActivityReport {
  facts: ActivityFacts;
  at: number;
  fresh: boolean;
}

/**
 * Judges a running instance at `now` from its latest activity report. Work a fresh report shows now counts
 * at its arrival; a remembered report (the agent went silent) adds nothing new, so a silent agent cannot
 * keep an instance awake: the idle clock runs on. `minuteMs` is the length of an idle minute (60 000;
 * tests shorten it).
 */
export function assessIdle(
  row: Pick<IdleRow, 'profilePolicy' | 'override' | 'keepAwakeUntil' | 'lastActivityAt'>,
  report: ActivityReport | null,
  now: number,
  minuteMs: number,
): IdleAssessment {
  const policy = policyOf(row);
  const windowMs = policy.minutes * minuteMs;
  let last = row.lastActivityAt?.getTime() ?? now;
  let judgement: ActivityJudgement | null = null;
  const reasons: string[] = [];
  if (report) {
    judgement = judgeActivity(aged(report.facts, now - report.at), windowMs / 1000);
    if (report.fresh && judgement.busyNow) last = Math.max(last, report.at);
    if (judgement.secondsSinceWork !== null) last = Math.max(last, now - judgement.secondsSinceWork * 1000); // aged: counted from now
    reasons.push(...(report.fresh || !judgement.busyNow ? judgement.reasons : []));
    if (now - report.at > SILENT_AFTER_MS) reasons.push(`agent silent for ${minutesAgo(now - report.at)}`);
  } else reasons.push('no activity report from the agent yet');
  const busy = now - last < windowMs && (report?.fresh ?? false) && (judgement?.busy ?? false);
  const keepAwake = row.keepAwakeUntil?.getTime() ?? 0;
  const actionAt = policy.disabled ? null : Math.max(last + windowMs, keepAwake);
  const warnAt =
    actionAt === null ? null : actionAt - Math.min(WARNING_LEAD_MINUTES * minuteMs, windowMs / 2);
  const due =
    actionAt !== null && now >= actionAt ? 'act' : warnAt !== null && now >= warnAt ? 'warn' : 'none';
  return {
    policy,
    judgement,
    reasons,
    busy,
    lastActivityAt: last,
    actionAt,
    warnAt,
    due,
    state: busy || now - last < minuteMs ? 'ready' : 'idle',
  };
}

/** A heartbeat older than this no longer describes the present. */
const SILENT_AFTER_MS = 60_000;
/** A duration for people, in whole minutes (at least 1). */
export const minutesAgo = (ms: number) => `${Math.max(1, Math.round(ms / 60_000))} min`;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The owner's view of a running instance's activity: busy or idle, why, and when the action is due. */
export function activityView(row: IdleRow, now: number, minuteMs: number): ActivityView | null {
  if (row.state !== 'ready' && row.state !== 'idle') return null;
  const facts = row.facts?.activity;
  const at = row.lastHeartbeatAt?.getTime() ?? now;
  const report = facts ? { facts, at, fresh: now - at <= SILENT_AFTER_MS } : null;
  const a = assessIdle(row, report, now, minuteMs);
  const reasons = [...a.reasons];
  const keepAwake = row.keepAwakeUntil && row.keepAwakeUntil.getTime() > now ? row.keepAwakeUntil : null;
  if (keepAwake) reasons.push(`kept awake until ${keepAwake.toISOString()}`);
  if (a.policy.disabled) reasons.push('idle stopping is off for this instance');
  return {
    busy: a.busy,
    reasons,
    lastActivityAt: iso(row.lastActivityAt?.getTime() ?? null),
    actionAt: iso(a.actionAt),
    warnedAt: iso(row.warnedAt?.getTime() ?? null),
    keepAwakeUntil: iso(keepAwake?.getTime() ?? null),
    policy: a.policy,
  };
}
