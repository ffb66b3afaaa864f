import type { InstanceTransition } from '@podpilot/common';
import type { z } from 'zod';

export type Transition = z.infer<typeof InstanceTransition>;

/**
 * A run of state changes that go back and forth between the same two states (ready ⇄ idle) or repeat one
 * (launching → launching, a relaunch), folded into one entry; a change that starts no run is a group of one.
 */
export interface TransitionGroup {
  /** The changes, oldest first. */
  items: Transition[];
  /** "ready ⇄ idle ×12", "launching → launching ×3", or "ready from idle" for one change. */
  label: string;
  /** The first and the last change's time. */
  from: string;
  to: string;
}

const pairOf = (t: Transition) => [t.from ?? '', t.to].sort().join('\u0000');

function labelOf(items: Transition[]): string {
  const first = items[0] as Transition;
  if (items.length === 1) return first.from ? `${first.to} from ${first.from}` : first.to;
  const arrow = first.from === first.to ? '→' : '⇄';
  return `${first.from} ${arrow} ${first.to} ×${items.length}`;
}

/**
 * The state history folded, newest group first. `transitions` is oldest first (as the hub answers). A change
 * continues the run when it starts where the previous one ended and moves between the same two states.
 */
export function groupTransitions(transitions: readonly Transition[]): TransitionGroup[] {
  const runs: Transition[][] = [];
  for (const t of transitions) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run && last && t.from !== null && t.from === last.to && pairOf(t) === pairOf(last)) run.push(t);
    else runs.push([t]);
  }
  return runs.reverse().map((items) => ({
    items,
    label: labelOf(items),
    from: (items[0] as Transition).at,
    to: (items[items.length - 1] as Transition).at,
  }));
}

/** One page of the groups (0-based) and how many pages there are (at least 1). */
export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { items: items.slice(p * size, p * size + size), pages };
}
