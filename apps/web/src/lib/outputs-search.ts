/** The outputs page's URL search params; every one optional, unknown or malformed ones dropped. */
export interface OutputsSearch {
  instance?: string;
  profile?: string;
  /** A day (`YYYY-MM-DD`, the reader's local time) or an ISO time: outputs created from then on. */
  since?: string;
  /** A day (up to and including it) or an ISO time (up to, not including). */
  until?: string;
  /** Words searched in paths and embedded prompts. */
  q?: string;
  /** The output shown in the full view. */
  view?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function text(value: unknown, max: number): string | undefined {
  // The router parses `?q=123` as a number: take it back as text.
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return s && s.length <= max ? s : undefined;
}

function time(value: unknown): string | undefined {
  const s = text(value, 40);
  if (!s) return undefined;
  if (DAY.test(s)) return Number.isNaN(new Date(`${s}T00:00:00`).getTime()) ? undefined : s;
  return ISO.test(s) && !Number.isNaN(new Date(s).getTime()) ? s : undefined;
}

/** `validateSearch` for the outputs route: keeps what makes sense, drops the rest. */
export function parseOutputsSearch(raw: Record<string, unknown>): OutputsSearch {
  const search: OutputsSearch = {};
  const instance = text(raw.instance, 36);
  if (instance && UUID.test(instance)) search.instance = instance.toLowerCase();
  const profile = text(raw.profile, 200);
  if (profile) search.profile = profile;
  const since = time(raw.since);
  if (since) search.since = since;
  const until = time(raw.until);
  if (until) search.until = until;
  const q = text(raw.q, 500);
  if (q) search.q = q;
  const view = text(raw.view, 36);
  if (view && UUID.test(view)) search.view = view.toLowerCase();
  return search;
}

/** A day at the reader's local midnight, as the hub's ISO time; `nextDay` moves to the end of that day. */
export function dayToIso(day: string, nextDay = false): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + (nextDay ? 1 : 0)).toISOString();
}

/** The `GET /api/outputs` query for a page of these filters. */
export function outputsQueryParams(
  search: OutputsSearch,
  cursor: string | null,
  limit: number,
): URLSearchParams {
  const params = new URLSearchParams();
  if (search.instance) params.set('instance', search.instance);
  if (search.profile) params.set('profile', search.profile);
  if (search.since) params.set('since', DAY.test(search.since) ? dayToIso(search.since) : search.since);
  if (search.until) params.set('until', DAY.test(search.until) ? dayToIso(search.until, true) : search.until);
  if (search.q) params.set('q', search.q);
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return params;
}

/** Every filter cleared (the full view, if open, stays). */
export const NO_OUTPUT_FILTERS: Omit<OutputsSearch, 'view'> = {
  q: undefined,
  instance: undefined,
  profile: undefined,
  since: undefined,
  until: undefined,
};

/** Whether any filter narrows the list (the empty state then says so instead of "nothing yet"). */
export function hasFilters(search: OutputsSearch): boolean {
  return Boolean(search.instance || search.profile || search.since || search.until || search.q);
}

/** The day part of a filter value, for a date input (`YYYY-MM-DD`, or empty). */
export function dayOf(value: string | undefined): string {
  if (!value) return '';
  if (DAY.test(value)) return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The file name of an output path: `outputs/2026-11-28/00001.png` → `00001.png`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether a browser can show the file as an image (from its content type, else its extension). */
export function isImage(contentType: string | null, path: string): boolean {
  if (contentType) return contentType.startsWith('image/');
  return /\.(png|jpe?g|webp|gif|avif|bmp)$/i.test(path);
}
