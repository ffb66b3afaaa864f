import * as z from 'zod';

// The instance state machine, declared once for hub and web (docs/lifecycle.md draws it). The hub changes a
// state only through one repository method that checks INSTANCE_TRANSITIONS.

/** The instance lifecycle, in order. */
export const InstanceState = z.enum([
  'requested',
  'launching',
  'booting',
  'provisioning',
  'ready',
  'idle',
  'stopping',
  'stopped',
  'destroyed',
  'failed',
]);
export type InstanceState = z.infer<typeof InstanceState>;

/**
 * Why an instance is stopped: every stop ends in `stopped` (disk kept, `start` works) and says who or what
 * stopped it. `failed` is not a stop: it is for instances that never became ready.
 */
export const StopReason = z.enum(['owner', 'idle', 'budget', 'deadline', 'crashed', 'preempted']);
export type StopReason = z.infer<typeof StopReason>;

/**
 * Where each state may go. `launching → launching` is a relaunch (a new rental for a rental that never
 * ran); `ready/idle → booting` a container that started again (its agent registers anew); a live state →
 * `destroyed` the provider losing the rental (deleted outside the hub). A change not listed here is refused
 * by the hub and never recorded.
 */
export const INSTANCE_TRANSITIONS: Readonly<Record<InstanceState, readonly InstanceState[]>> = {
  requested: ['launching', 'failed', 'stopping'],
  launching: ['launching', 'booting', 'failed', 'stopping'],
  booting: ['launching', 'provisioning', 'ready', 'failed', 'stopping', 'stopped', 'destroyed'],
  provisioning: ['launching', 'booting', 'ready', 'failed', 'stopping', 'stopped', 'destroyed'],
  ready: ['booting', 'provisioning', 'idle', 'stopping', 'stopped', 'destroyed'],
  idle: ['booting', 'provisioning', 'ready', 'stopping', 'stopped', 'destroyed'],
  stopping: ['stopped', 'destroyed', 'failed'],
  stopped: ['booting', 'stopping', 'destroyed'],
  failed: ['stopping', 'destroyed'],
  destroyed: [],
};

/** Whether the state machine allows `from → to`. */
export function canTransition(from: InstanceState, to: InstanceState): boolean {
  return INSTANCE_TRANSITIONS[from].includes(to);
}

/** The states from which `to` may be reached. */
export function statesLeadingTo(to: InstanceState): InstanceState[] {
  return InstanceState.options.filter((from) => canTransition(from, to));
}

/** Named groups of states; one list each for hub and web. */
export const STATE_GROUPS = {
  /**
   * The GPU is (or may be) rented and billing: from the rental until `stopped`/`destroyed`. Each of these
   * states has a deadline (docs/lifecycle.md), so no forgotten instance bills unwatched.
   */
  billed: ['launching', 'booting', 'provisioning', 'ready', 'idle', 'stopping'],
  /** The agent may be running (container up): it can take commands and answer a final sync. */
  live: ['booting', 'provisioning', 'ready', 'idle'],
  /** A stop may act on these (a rental may exist). */
  stoppable: ['launching', 'booting', 'provisioning', 'ready', 'idle'],
  /** `start` works from these. */
  startable: ['stopped'],
  /** Nothing more happens unless the owner acts (destroy works from all but `destroyed`). */
  settled: ['stopped', 'destroyed', 'failed'],
  /** The agent has made the WebUI available. */
  serving: ['ready', 'idle'],
} as const satisfies Record<string, readonly InstanceState[]>;

/** States in which the instance's agent may be running; the same as STATE_GROUPS.live. */
export const AGENT_STATES: readonly InstanceState[] = STATE_GROUPS.live;

/** Whether `state` belongs to the named group. */
export function inGroup(state: InstanceState, group: keyof typeof STATE_GROUPS): boolean {
  return (STATE_GROUPS[group] as readonly InstanceState[]).includes(state);
}
