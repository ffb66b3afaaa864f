import { InstanceState, type LiveInstance } from '@podpilot/common';

/** How the dashboard orders its cards. */
export const DASHBOARD_SORTS = ['state', 'name', 'cost', 'age'] as const;
export type DashboardSort = (typeof DASHBOARD_SORTS)[number];

/** The dashboard's URL search params; every one optional, unknown or malformed ones dropped. */
export interface DashboardSearch {
  sort?: DashboardSort;
  /** Only instances in this state. */
  state?: InstanceState;
  /** Only instances on this provider (`local`, `vastai`, …). */
  provider?: string;
  /** Only instances launched from this profile (by name). */
  profile?: string;
  /** Words searched in the name, id, GPU, provider, profile and state reason. */
  q?: string;
}

function text(value: unknown, max: number): string | undefined {
  // The router parses `?q=123` as a number: take it back as text.
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return s && s.length <= max ? s : undefined;
}

/** `validateSearch` for the dashboard route: keeps what makes sense, drops the rest. */
export function parseDashboardSearch(raw: Record<string, unknown>): DashboardSearch {
  const search: DashboardSearch = {};
  const sort = text(raw.sort, 10);
  if (sort && (DASHBOARD_SORTS as readonly string[]).includes(sort)) search.sort = sort as DashboardSort;
  const state = InstanceState.safeParse(text(raw.state, 20));
  if (state.success) search.state = state.data;
  const provider = text(raw.provider, 40);
  if (provider) search.provider = provider;
  const profile = text(raw.profile, 200);
  if (profile) search.profile = profile;
  const q = text(raw.q, 200);
  if (q) search.q = q;
  return search;
}

type Viewed = Pick<
  LiveInstance,
  'id' | 'name' | 'state' | 'provider' | 'costUsd' | 'createdAt' | 'gpuName' | 'stateReason'
> & { profile?: { name: string } | null };

/** The profile an instance was launched from, when the answer carries it (older hubs' answers do not). */
export const profileOf = (i: Viewed): string | null => i.profile?.name ?? null;

/** Needs attention first: failing and launching, then serving, then stopping and stopped. */
const STATE_RANK: Record<InstanceState, number> = {
  failed: 0,
  requested: 1,
  launching: 2,
  booting: 3,
  provisioning: 4,
  ready: 5,
  idle: 6,
  stopping: 7,
  stopped: 8,
  destroyed: 9,
};

const byName = (a: Viewed, b: Viewed) => a.name.localeCompare(b.name, undefined, { numeric: true });
/** Newest first; the id breaks ties so the order never depends on the order the hub answered in. */
const byAge = (a: Viewed, b: Viewed) =>
  b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const COMPARE: Record<DashboardSort, (a: Viewed, b: Viewed) => number> = {
  state: (a, b) => STATE_RANK[a.state] - STATE_RANK[b.state],
  name: byName,
  cost: (a, b) => b.costUsd - a.costUsd,
  age: () => 0,
};

/**
 * Sorted by `sort` (state by default), then newest first, then by id: a total order on things that change
 * seldom, so cards do not jump when a live update arrives (cost sorts are the exception by nature).
 */
export function sortInstances<T extends Viewed>(list: readonly T[], sort: DashboardSort = 'state'): T[] {
  const compare = COMPARE[sort];
  return [...list].sort((a, b) => compare(a, b) || byAge(a, b));
}

/** Whether an instance passes the filters and matches every word of the search (case-insensitive). */
export function matchesSearch(i: Viewed, search: DashboardSearch): boolean {
  if (search.state && i.state !== search.state) return false;
  if (search.provider && i.provider !== search.provider) return false;
  if (search.profile && profileOf(i) !== search.profile) return false;
  if (!search.q) return true;
  const haystack = [i.name, i.id, i.provider, i.gpuName, profileOf(i), i.state, i.stateReason]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return search.q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

/** The instances the dashboard shows, filtered and in order. */
export function viewInstances<T extends Viewed>(list: readonly T[], search: DashboardSearch): T[] {
  return sortInstances(
    list.filter((i) => matchesSearch(i, search)),
    search.sort,
  );
}

/** The choices the filters offer: the providers and profiles present in the list, sorted. */
export function filterChoices(list: readonly Viewed[]): { providers: string[]; profiles: string[] } {
  const sorted = (values: (string | null)[]) =>
    [...new Set(values.filter((v): v is string => v !== null))].sort((a, b) => a.localeCompare(b));
  return { providers: sorted(list.map((i) => i.provider)), profiles: sorted(list.map(profileOf)) };
}

/** Whether any filter or search is set (the page then says how many it hides). */
export const isFiltered = (search: DashboardSearch): boolean =>
  Boolean(search.state || search.provider || search.profile || search.q);

/** The selected instances, still listed, that a bulk action applies to (`can`: e.g. `canStop`). */
export function bulkTargets<T extends Pick<LiveInstance, 'id' | 'state'>>(
  list: readonly T[],
  selected: ReadonlySet<string>,
  can: (state: InstanceState) => boolean,
): T[] {
  return list.filter((i) => selected.has(i.id) && can(i.state));
}
