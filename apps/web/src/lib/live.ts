import {
  type ActivitySample,
  type InstanceState,
  inGroup,
  type LiveInstance,
  STATE_GROUPS,
} from '@podpilot/common';

/** The cache entry of `['instances']`: every instance, newest first. */
export interface LiveList {
  instances: LiveInstance[];
}

export type LiveMessage =
  | { event: 'instances'; data: LiveList }
  | { event: 'instance'; data: LiveInstance }
  | { event: 'removed'; data: { id: string } };

const newestFirst = (a: LiveInstance, b: LiveInstance) =>
  b.createdAt < a.createdAt ? -1 : b.createdAt > a.createdAt ? 1 : 0;

/** The list after one message of the live feed. */
export function applyLiveMessage(list: LiveList | undefined, message: LiveMessage): LiveList {
  if (message.event === 'instances') return { instances: [...message.data.instances].sort(newestFirst) };
  const current = list?.instances ?? [];
  if (message.event === 'removed') return { instances: current.filter((i) => i.id !== message.data.id) };
  const changed = message.data;
  const found = current.some((i) => i.id === changed.id);
  const instances = found
    ? current.map((i) => (i.id === changed.id ? changed : i))
    : [...current, changed].sort(newestFirst);
  return { instances };
}

/** Wait before reconnect attempt `attempt` (0-based): 1 s, 2 s, 4 s … at most 30 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt));
}

/** States in which the instance is (or is becoming) a rented machine. */
const ACTIVE: readonly InstanceState[] = ['requested', ...STATE_GROUPS.stoppable];
export const isActive = (state: InstanceState): boolean => ACTIVE.includes(state);
/** The machine runs and the agent answers commands. */
export const isRunning = (state: InstanceState): boolean => inGroup(state, 'serving');
export const canStop = (state: InstanceState): boolean => inGroup(state, 'stoppable');
export const canStart = (state: InstanceState): boolean => inGroup(state, 'startable');
export const canDestroy = (state: InstanceState): boolean => state !== 'destroyed';

/** Dollars: "$0.42", "$12.30"; under a cent "<$0.01" (never a misleading $0.00 for a running machine). */
export function formatUsd(usd: number): string {
  if (usd > 0 && usd < 0.01) return '<$0.01';
  return `$${usd.toFixed(2)}`;
}

/** "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${String(min % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** How long the instance has been up (active states) — from its creation. Null when not up. */
export function uptimeMs(instance: Pick<LiveInstance, 'state' | 'createdAt'>, now: number): number | null {
  return isActive(instance.state) ? now - Date.parse(instance.createdAt) : null;
}

/** "stops in 12 min", "destroys in 45 s", "stopping now" from the idle view; null when nothing is due. */
export function idleCountdown(activity: LiveInstance['activity'], now: number): string | null {
  if (!activity?.actionAt) return null;
  const left = Date.parse(activity.actionAt) - now;
  const verb = activity.policy.action === 'destroy' ? 'destroys' : 'stops';
  if (left <= 0) return `${activity.policy.action === 'destroy' ? 'destroying' : 'stopping'} now`;
  return `${verb} in ${formatSpan(left)}`;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];
/** "0 B", "512 KB", "1.4 GB" (powers of 1024). */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 || value >= 100 ? Math.round(value) : value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

export const formatSpeed = (bytesPerSecond: number | null | undefined): string =>
  bytesPerSecond ? `${formatSize(bytesPerSecond)}/s` : '—';

/** 0–100, or null when the total is unknown. */
export function percentOf(done: number | undefined, total: number | null | undefined): number | null {
  if (!total || done === undefined) return null;
  return Math.max(0, Math.min(100, (done / total) * 100));
}

/** Lines whose text contains every word of `query` (case-insensitive); all lines for an empty query. */
export function filterLines<T extends { line: string }>(lines: readonly T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...lines];
  return lines.filter((l) => {
    const text = l.line.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** Keeps the newest `max` lines. */
export function appendCapped<T>(lines: readonly T[], more: readonly T[], max: number): T[] {
  const all = [...lines, ...more];
  return all.length > max ? all.slice(all.length - max) : all;
}

export interface IdleFormInput {
  minutes: string;
  action: 'stop' | 'destroy';
  disabled: boolean;
}

/** The body of `PUT /api/instances/:id/idle-policy`, or a message for the minutes field. */
export function idleOverrideBody(
  input: IdleFormInput,
): { body: { minutes?: number; action: 'stop' | 'destroy'; disabled: boolean } } | { error: string } {
  const text = input.minutes.trim();
  if (text === '') return { body: { action: input.action, disabled: input.disabled } };
  if (!/^\d+$/.test(text)) return { error: 'Enter whole minutes from 1 to 1440' };
  const minutes = Number(text);
  if (minutes < 1 || minutes > 1440) return { error: 'Enter whole minutes from 1 to 1440' };
  return { body: { minutes, action: input.action, disabled: input.disabled } };
}

/** The field of an API issue path such as `body.minutes` → `minutes`. */
export const issueField = (path: string): string => path.replace(/^body\./, '');

export interface ChartBox {
  width: number;
  height: number;
  /** Time range shown, in ms since the epoch. */
  from: number;
  to: number;
  /** Top of the value axis. */
  max: number;
}

/**
 * An SVG path through the samples' values; a missing value, or a gap of more than `gapMs` between samples
 * (the instance was off), starts a new segment instead of drawing a line across it.
 */
export function chartPath(
  samples: readonly ActivitySample[],
  value: (s: ActivitySample) => number | null,
  box: ChartBox,
  gapMs = 5 * 60_000,
): string {
  const span = Math.max(1, box.to - box.from);
  const max = box.max > 0 ? box.max : 1;
  let d = '';
  let lastAt: number | null = null;
  for (const s of samples) {
    const v = value(s);
    const at = Date.parse(s.at);
    if (v === null) {
      lastAt = null;
      continue;
    }
    const x = ((at - box.from) / span) * box.width;
    const y = box.height - (Math.min(v, max) / max) * box.height;
    const move = lastAt === null || at - lastAt > gapMs;
    d += `${move ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)} `;
    lastAt = at;
  }
  return d.trim();
}

/** Average, peak and latest of a series (nulls skipped); null when there is no value. */
export function seriesStats(
  values: readonly (number | null)[],
): { avg: number; max: number; last: number } | null {
  const known = values.filter((v): v is number => v !== null);
  if (!known.length) return null;
  const sum = known.reduce((a, b) => a + b, 0);
  return { avg: sum / known.length, max: Math.max(...known), last: known[known.length - 1] as number };
}

export const formatGpuName = (i: Pick<LiveInstance, 'gpuName' | 'gpuCount'>): string =>
  !i.gpuName ? '—' : i.gpuCount && i.gpuCount > 1 ? `${i.gpuCount} × ${i.gpuName}` : i.gpuName;
