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
  /**
   * The badge: a report that still describes the present shows work at this moment. Busy implies `ready`
   * (the state adds a minute's grace after the work), so the badge never says busy beside an idle state.
   */
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

/** What the judgement reads of an instance: its policy, keep-awake, idle clock and last stored report. */
export type IdleFacts = Pick<
  IdleRow,
  'profilePolicy' | 'override' | 'keepAwakeUntil' | 'lastActivityAt' | 'facts' | 'lastHeartbeatAt'
>;

/** A heartbeat older than this no longer describes the present: its agent is silent. */
export const SILENT_AFTER_MS = 60_000;

/**
 * THE idle judgement of a running instance at `now` (the hub's clock): the heartbeat, the periodic sweep
 * and the owner's activity view all call it on the same stored facts (the heartbeat's facts are stored,
 * stamped with the hub's clock, before it is judged), so they cannot disagree. The agent's last activity
 * report counts as of its arrival: work it shows now dates from then, an output or request it remembers
 * from when it happened. A report that no longer describes the present (its agent went silent) adds nothing
 * new, so a silent agent cannot keep an instance awake: the idle clock runs on. `minuteMs` is the length
 * of an idle minute (60 000; tests shorten it).
 */
export function assessIdle(row: IdleFacts, now: number, minuteMs: number): IdleAssessment {
  const policy = policyOf(row);
  const windowMs = policy.minutes * minuteMs;
  let last = row.lastActivityAt?.getTime() ?? now;
  let judgement: ActivityJudgement | null = null;
  let busy = false;
  const reasons: string[] = [];
  const facts = row.facts?.activity;
  const at = row.lastHeartbeatAt?.getTime();
  if (facts && at !== undefined) {
    const fresh = now - at <= SILENT_AFTER_MS;
    judgement = judgeActivity(aged(facts, now - at), windowMs / 1000);
    if (judgement.busyNow) last = Math.max(last, at);
    if (judgement.secondsSinceWork !== null) last = Math.max(last, now - judgement.secondsSinceWork * 1000); // aged: counted from now
    busy = fresh && judgement.busyNow;
    reasons.push(...(fresh || !judgement.busyNow ? judgement.reasons : []));
    if (!fresh) reasons.push(`agent silent for ${minutesAgo(now - at)}`);
  } else reasons.push('no activity report from the agent yet');
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

/** A duration for people, in whole minutes (at least 1). */
export const minutesAgo = (ms: number) => `${Math.max(1, Math.round(ms / 60_000))} min`;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The owner's view of a running instance's activity: busy or idle, why, and when the action is due. */
export function activityView(row: IdleRow, now: number, minuteMs: number): ActivityView | null {
  if (row.state !== 'ready' && row.state !== 'idle') return null;
  const a = assessIdle(row, now, minuteMs);
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
