import type { InstanceState, StopReason } from '@podpilot/common';

const tones: Record<InstanceState, string> = {
  requested:
    'bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-700',
  launching: 'bg-sky-50 text-sky-700 ring-sky-200 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-900',
  booting: 'bg-sky-50 text-sky-700 ring-sky-200 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-900',
  provisioning: 'bg-sky-50 text-sky-700 ring-sky-200 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-900',
  ready:
    'bg-emerald-50 text-emerald-700 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-900',
  idle: 'bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-900',
  stopping:
    'bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-700',
  stopped:
    'bg-slate-100 text-slate-600 ring-slate-300 dark:bg-slate-800 dark:text-slate-400 dark:ring-slate-700',
  destroyed:
    'bg-slate-100 text-slate-500 ring-slate-300 dark:bg-slate-800 dark:text-slate-500 dark:ring-slate-700',
  failed: 'bg-red-50 text-red-700 ring-red-200 dark:bg-red-950 dark:text-red-300 dark:ring-red-900',
};

/** A crash or a deadline stop wants attention; an owner's or idle stop does not. */
const ALARMING: readonly StopReason[] = ['crashed', 'deadline', 'budget', 'preempted'];

/**
 * The state as a badge; a stopped instance says who or what stopped it ("stopped · crashed"), with the
 * state's message as its tooltip.
 */
export function StateBadge({
  state,
  stopReason = null,
  message = null,
}: {
  state: InstanceState;
  stopReason?: StopReason | null;
  message?: string | null;
}) {
  const shown = state === 'stopped' && stopReason ? `stopped · ${stopReason}` : state;
  const tone = stopReason && state === 'stopped' && ALARMING.includes(stopReason) ? tones.idle : tones[state];
  return (
    <span
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tone}`}
      title={message ?? undefined}
    >
      {shown}
    </span>
  );
}
