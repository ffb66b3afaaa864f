import { type InstanceState, inGroup } from '@podpilot/common';

// Every GPU-billed state has a deadline, so a forgotten instance never bills unwatched (docs/lifecycle.md).
// The pure rules live here; jobs/deadlines.ts acts on them, the reconciler on the launch and boot ones.

/** How long each wait may last; defaults in env-settings.ts (15, 20 and 10 minutes). */
export interface DeadlineSettings {
  /** The provider reports the rental running, and no agent has been heard from. */
  registerMs: number;
  /** Provisioning without progress (no agent event, no state change). */
  provisionMs: number;
  /** A running agent without a heartbeat; also how long a stop may stay unfinished before the owner is told. */
  silentMs: number;
}

/** The reconciler's own deadlines for the start of a launch (env: launch and boot timeouts). */
export interface LaunchTimeouts {
  launchTimeoutMs: number;
  bootTimeoutMs: number;
}

/** What the deadline rules read of an instance. */
export interface DeadlineRow {
  id: string;
  state: InstanceState;
  stateChangedAt: Date;
  providerInstanceId: string | null;
  providerRunningAt: Date | null;
  lastHeartbeatAt: Date | null;
  /** The latest event the agent sent (provisioning progress). */
  lastAgentEventAt: Date | null;
}

export type DeadlineKind = 'launch' | 'boot' | 'register' | 'provision' | 'silent' | 'stopping';

export interface Deadline {
  kind: DeadlineKind;
  dueAt: Date;
  /** What went wrong, for the event and the state's message. */
  message: string;
  /**
   * `stop`: this job stops the instance (destroys it where the provider cannot stop and it never was ready);
   * `reconciler`: the reconciler fails or relaunches it (launch and boot); `notify`: only the owner is told
   * (a stop not finishing: the reconciler keeps retrying it).
   */
  action: 'stop' | 'reconciler' | 'notify';
}

const later = (a: Date | null, b: Date | null): Date | null => (a && b ? (a > b ? a : b) : (a ?? b));
const plus = (at: Date, ms: number) => new Date(at.getTime() + ms);
const minutes = (ms: number) => `${Math.round(ms / 6_000) / 10} min`;

/** The agent has been heard from in this state (a heartbeat since it entered it). */
const heardSince = (row: DeadlineRow) =>
  row.lastHeartbeatAt !== null && row.lastHeartbeatAt >= row.stateChangedAt;

/** Launching: no rental yet, a rental not running yet (both the reconciler's), or running unregistered. */
function launchingDeadline(row: DeadlineRow, s: DeadlineSettings, t: LaunchTimeouts): Deadline {
  if (row.providerInstanceId === null)
    return {
      kind: 'launch',
      dueAt: plus(row.stateChangedAt, t.launchTimeoutMs),
      message: `the provider did not confirm the rental within ${minutes(t.launchTimeoutMs)}`,
      action: 'reconciler',
    };
  if (row.providerRunningAt === null)
    return {
      kind: 'boot',
      dueAt: plus(row.stateChangedAt, t.bootTimeoutMs),
      message: `the provider did not start the instance within ${minutes(t.bootTimeoutMs)}`,
      action: 'reconciler',
    };
  return registerDeadline(row.providerRunningAt, s);
}

function registerDeadline(since: Date, s: DeadlineSettings): Deadline {
  return {
    kind: 'register',
    dueAt: plus(since, s.registerMs),
    message: `the agent did not report within ${minutes(s.registerMs)} of the instance running (is the hub URL reachable from the instance?)`,
    action: 'stop',
  };
}

function silentDeadline(row: DeadlineRow, s: DeadlineSettings): Deadline {
  const since = later(row.lastHeartbeatAt, row.stateChangedAt) ?? row.stateChangedAt;
  return {
    kind: 'silent',
    dueAt: plus(since, s.silentMs),
    message: `the agent has been silent for ${minutes(s.silentMs)}`,
    action: 'stop',
  };
}

/**
 * The deadline an instance in `row.state` is held to now, or null for states that bill no GPU (requested,
 * stopped, destroyed, failed) — and only for those: every STATE_GROUPS.billed state has one.
 */
export function deadlineOf(row: DeadlineRow, s: DeadlineSettings, t: LaunchTimeouts): Deadline | null {
  if (!inGroup(row.state, 'billed')) return null;
  switch (row.state) {
    case 'launching':
      return launchingDeadline(row, s, t);
    case 'stopping':
      return {
        kind: 'stopping',
        dueAt: plus(row.stateChangedAt, s.silentMs),
        message: `the stop has not finished after ${minutes(s.silentMs)}; the provider may still bill (the hub keeps retrying)`,
        action: 'notify',
      };
    case 'booting':
      // Booting without a word from the agent since (a start, a container restart): it must register.
      if (!heardSince(row))
        return registerDeadline(later(row.providerRunningAt, row.stateChangedAt) ?? row.stateChangedAt, s);
      return silentDeadline(row, s);
    case 'provisioning': {
      const progress = later(row.lastAgentEventAt, row.stateChangedAt) ?? row.stateChangedAt;
      const stalled: Deadline = {
        kind: 'provision',
        dueAt: plus(progress, s.provisionMs),
        message: `provisioning made no progress for ${minutes(s.provisionMs)}`,
        action: 'stop',
      };
      const silent = silentDeadline(row, s);
      return silent.dueAt < stalled.dueAt ? silent : stalled;
    }
    default:
      return silentDeadline(row, s);
  }
}

/**
 * The deadline a launch is held to until its agent is heard from — no rental confirmed (`launch`), the rental
 * not running (`boot`), running without a word from the agent (`register`) — or null once past that or in
 * another state. The same rules as `deadlineOf` (what the instance page counts down to).
 */
export function bootDeadlineOf(row: DeadlineRow, s: DeadlineSettings, t: LaunchTimeouts): Deadline | null {
  if (row.state !== 'launching' && row.state !== 'booting') return null;
  const deadline = deadlineOf(row, s, t);
  return deadline && ['launch', 'boot', 'register'].includes(deadline.kind) ? deadline : null;
}
