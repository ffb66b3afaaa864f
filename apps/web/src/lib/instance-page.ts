import { type InstanceState, inGroup, type LiveInstance, type StopReason } from '@podpilot/common';
import { formatSpan, idleCountdown } from './live';

/** Which parts of the instance page apply to a state (nothing disabled and empty is shown instead). */
export interface PageSections {
  /** Download progress of the profile. */
  provisioning: boolean;
  /** Busy/idle, the idle policy and keep-awake: only while an agent may run. */
  idle: boolean;
  /** Capture the running instance: only while it serves its WebUI. */
  snapshot: boolean;
  /** GPU and VRAM charts: while an agent may run, and the history of a stopped one. */
  activity: boolean;
  /** Synced outputs: once a machine existed. */
  outputs: boolean;
  /** The log follows new lines (else it is shown as it ended). */
  followLog: boolean;
  /** Offer launching the same profile version again. */
  relaunch: boolean;
}

/** The sections of the instance page for its state. */
export function pageSections(state: InstanceState): PageSections {
  const live = inGroup(state, 'live');
  return {
    provisioning: state === 'booting' || state === 'provisioning',
    idle: live,
    snapshot: inGroup(state, 'serving'),
    activity: live || state === 'stopped' || state === 'stopping',
    outputs: state !== 'requested' && state !== 'launching',
    followLog: !inGroup(state, 'settled'),
    relaunch: state === 'failed' || state === 'destroyed',
  };
}

/** The summary fields the headline reads (older hubs' answers are parsed with defaults for the newer ones). */
export type HeadlineInput = Pick<
  LiveInstance,
  'state' | 'stateReason' | 'stopReason' | 'provider' | 'providerStatus' | 'bootDeadlineAt'
> & {
  activity?: LiveInstance['activity'] | undefined;
  phase?: LiveInstance['phase'] | undefined;
};

export type HeadlineTone = 'error' | 'warn' | 'progress' | 'ok' | 'muted';

/** The top of the instance page: what is happening now, why, and what comes next (a countdown). */
export interface Headline {
  tone: HeadlineTone;
  title: string;
  /** The reason, or what the provider or agent says. */
  detail: string | null;
  /** A deadline counting down (boot deadline, idle stop), or null. */
  countdown: string | null;
}

export const STOP_TITLES: Record<StopReason, string> = {
  owner: 'Stopped by you',
  idle: 'Stopped after being idle',
  budget: 'Stopped by the budget',
  deadline: 'Stopped: it missed a deadline',
  crashed: 'Stopped: it crashed',
  preempted: 'Stopped: the provider took the machine back',
};

/** "stopped in 3 min 20 s" or, once passed, "… any moment now". */
function deadline(what: string, at: string | null | undefined, now: number): string | null {
  if (!at) return null;
  const left = Date.parse(at) - now;
  if (!Number.isFinite(left)) return null;
  return left > 0 ? `${what} in ${formatSpan(left)}` : `${what} any moment now`;
}

function launchingDetail(i: HeadlineInput): string {
  const status = i.providerStatus ?? null;
  if (!status) return `Waiting for ${i.provider} to report the machine.`;
  return status.message
    ? `${i.provider}: ${status.phase} — ${status.message}`
    : `${i.provider}: ${status.phase}`;
}

/** The headline for an instance at `now` (ms). */
export function headline(i: HeadlineInput, now: number): Headline {
  const bootDeadline = () => deadline('Given up', i.bootDeadlineAt, now);
  switch (i.state) {
    case 'failed':
      return {
        tone: 'error',
        title: 'Failed',
        detail: i.stateReason ?? 'The hub recorded no reason.',
        countdown: null,
      };
    case 'stopped': {
      const reason = i.stopReason ?? null;
      const bad = reason === 'crashed' || reason === 'deadline' || reason === 'preempted';
      return {
        tone: bad ? 'warn' : 'muted',
        title: reason ? STOP_TITLES[reason] : 'Stopped',
        detail: i.stateReason ?? 'The disk is kept: start it again to continue.',
        countdown: null,
      };
    }
    case 'destroyed':
      return { tone: 'muted', title: 'Destroyed', detail: i.stateReason, countdown: null };
    case 'requested':
      return {
        tone: 'progress',
        title: 'Requested',
        detail: `Asking ${i.provider} for a machine.`,
        countdown: null,
      };
    case 'launching':
      return { tone: 'progress', title: 'Launching', detail: launchingDetail(i), countdown: bootDeadline() };
    case 'booting':
      return {
        tone: 'progress',
        title: 'Booting',
        detail: i.stateReason ?? 'The machine runs; waiting for its agent to register.',
        countdown: bootDeadline(),
      };
    case 'provisioning':
      return {
        tone: 'progress',
        title: 'Provisioning',
        detail: i.phase ? `The agent is at: ${i.phase}.` : 'The agent sets up the profile.',
        countdown: null,
      };
    case 'stopping':
      return { tone: 'progress', title: 'Stopping', detail: i.stateReason, countdown: null };
    default:
      return {
        tone: i.state === 'idle' ? 'warn' : 'ok',
        title: i.state === 'idle' ? 'Idle' : 'Ready',
        detail: i.activity?.reasons[0] ?? i.stateReason,
        countdown: idleCountdown(i.activity ?? null, now),
      };
  }
}
