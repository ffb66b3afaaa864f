/**
 * When the local provider starts a dead agent again: the same bounded policy as the container entrypoint
 * (`docker/entrypoint.sh`), since the local provider plays the container. Pure functions, no clock of their own.
 */

/** How many restarts, how soon. The defaults are the entrypoint's. */
export interface RestartPolicy {
  /** Restarts allowed within `windowMs`; once spent, the agent stays dead (the instance shows `exited`). */
  maxRestarts: number;
  /** The wait before the first restart, doubled for each further one. */
  firstBackoffMs: number;
  /** The longest wait. */
  maxBackoffMs: number;
  /** Restarts older than this no longer count against `maxRestarts`. */
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: Readonly<RestartPolicy> = Object.freeze({
  maxRestarts: 5,
  firstBackoffMs: 1_000,
  maxBackoffMs: 30_000,
  windowMs: 10 * 60_000,
});

/** How an agent process ended, as Node reports it. */
export interface AgentDeath {
  code: number | null;
  signal: string | null;
}

/** What to do about one death. `attempt` counts from 1 within the window; `of` is `maxRestarts`. */
export type RestartPlan =
  | { kind: 'restart'; attempt: number; of: number; delayMs: number }
  /** Exit 0: the agent chose to end; final. */
  | { kind: 'final' }
  /** `of` restarts within the window already: the agent stays dead. */
  | { kind: 'spent'; of: number };

/** "was killed by SIGKILL" / "exited with code 3". */
export function howItEnded(death: AgentDeath): string {
  return death.signal ? `was killed by ${death.signal}` : `exited with code ${death.code}`;
}

/** A death that calls for a restart: any signal or a non-zero exit code (exit 0 is final). */
export function restartsAfter(death: AgentDeath): boolean {
  return death.signal !== null || death.code !== 0;
}

/** The wait before restart `attempt` (1, 2, …): `firstBackoffMs` doubled per attempt, at most `maxBackoffMs`. */
export function backoffMs(policy: RestartPolicy, attempt: number): number {
  const delay = policy.firstBackoffMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(delay, policy.maxBackoffMs);
}

/** The restart times (ms since the epoch) that still count at `now`. */
export function countedRestarts(policy: RestartPolicy, restartsAt: readonly number[], now: number): number[] {
  return restartsAt.filter((at) => now - at < policy.windowMs);
}

/** The plan for a death at `now`, given the times of the earlier restarts of this agent. */
export function planRestart(
  policy: RestartPolicy,
  death: AgentDeath,
  restartsAt: readonly number[],
  now: number,
): RestartPlan {
  if (!restartsAfter(death)) return { kind: 'final' };
  const counted = countedRestarts(policy, restartsAt, now).length;
  if (counted >= policy.maxRestarts) return { kind: 'spent', of: policy.maxRestarts };
  const attempt = counted + 1;
  return { kind: 'restart', attempt, of: policy.maxRestarts, delayMs: backoffMs(policy, attempt) };
}

/** The agent-log line for a death and its plan (without the time stamp). */
export function deathNote(death: AgentDeath, plan: RestartPlan, policy: RestartPolicy): string {
  const how = `the agent ${howItEnded(death)}`;
  switch (plan.kind) {
    case 'restart':
      return `${how}; restarting it in ${plan.delayMs / 1000} s (attempt ${plan.attempt} of ${plan.of})`;
    case 'final':
      return `${how}; not restarted (exit 0 is final)`;
    case 'spent':
      return `${how}; not restarted: ${plan.of} restarts within ${policy.windowMs / 60_000} min spent`;
  }
}
