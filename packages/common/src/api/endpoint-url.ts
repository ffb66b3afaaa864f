import type { Endpoint, ParamsOf, QueryOf } from './endpoint.js';

/** A query as an object (`undefined` and `null` values are left out) or as ready-made search params. */
export type QueryInput = Record<string, unknown> | URLSearchParams | undefined;

/**
 * The endpoint's path with its parameters filled in, each one URL-encoded (`:id` → `encodeURIComponent(id)`;
 * a trailing `*` takes the rest of a path, encoded segment by segment so its slashes stay).
 */
export function pathFor<E extends Endpoint>(endpoint: E, params?: ParamsOf<E>): string {
  const values = (params ?? {}) as Record<string, unknown>;
  const value = (name: string): string => {
    const v = values[name];
    if (v === undefined || v === null) throw new Error(`${endpoint.path}: the parameter ${name} is missing`);
    return String(v);
  };
  return endpoint.path
    .replace(/:(\w+)/g, (_match, name: string) => encodeURIComponent(value(name)))
    .replace(/\*$/, () => value('*').split('/').map(encodeURIComponent).join('/'));
}

/** `?a=1&b=2` for the defined values of `query`, or '' when there are none. */
export function queryString(query: QueryInput): string {
  if (!query) return '';
  const search = new URLSearchParams();
  const entries = query instanceof URLSearchParams ? [...query.entries()] : Object.entries(query);
  for (const [key, v] of entries) if (v !== undefined && v !== null) search.set(key, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * The path and query of one call of `endpoint`, e.g. for a link the browser follows (a download, an
 * EventSource) instead of the client.
 */
export function urlFor<E extends Endpoint>(
  endpoint: E,
  parts: { params?: ParamsOf<E>; query?: QueryOf<E> | URLSearchParams } = {},
): string {
  return `${pathFor(endpoint, parts.params)}${queryString(parts.query as QueryInput)}`;
}
