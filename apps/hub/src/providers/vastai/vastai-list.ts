/**
 * Vast.ai's instance list (shared/provider-apis.md). `GET /api/v0/instances/?owner=me` is retired (410
 * `deprecated_endpoint`); the list is `GET /api/v1/instances/`, at most 25 rows a page. Parameter names as
 * the official vast-cli sends them (`vast.py` `_fetch_all_instances_v1`, `vastai/api/instances.py`
 * `show_instances`): `select_filters` (JSON, the search's `{field: {op: value}}`), `order_by` (JSON
 * `[{"col","dir"}]`), `limit` (≤ 25) and `after_token` = the previous answer's `next_token`; the answer is
 * `{"instances": [...], "next_token": <string|null>, "total_instances": N}`. The single-instance routes
 * (`/instances/{id}/`), `/asks/{id}/` and `/bundles/` stay on v0.
 */
import { isRecord, str } from '../json.js';
import type { HttpAnswer } from '../provider-http.js';
import type { VastFilter } from './vastai-api.js';

/** Rows Vast sends a page at most. */
export const VAST_PAGE_LIMIT = 25;
/** Pages read before `list()` gives up (2500 instances): a partial list must never pass for the whole. */
export const VAST_MAX_LIST_PAGES = 100;

/**
 * The v1 base beside a configured v0 base: `…/api/v0` → `…/api/v1` (a trailing slash is ignored). Any other
 * base is refused: the adapter could only guess where its v1 list lives.
 */
export function vastV1BaseUrl(v0Base: string): string {
  const base = v0Base.replace(/\/+$/, '');
  if (!/\/api\/v0$/.test(base)) {
    throw new TypeError(
      `the Vast.ai API base URL must end in /api/v0 (got ${base}): the instance list is read from /api/v1 beside it`,
    );
  }
  return base.replace(/\/api\/v0$/, '/api/v1');
}

/** The absolute URL of one page: `filters` server-side, by id ascending, after `token` when given. */
export function vastListUrl(
  v1Base: string,
  filters: Record<string, VastFilter>,
  token: string | null,
): string {
  const query = new URLSearchParams({
    select_filters: JSON.stringify(filters),
    order_by: JSON.stringify([{ col: 'id', dir: 'asc' }]),
    limit: String(VAST_PAGE_LIMIT),
  });
  if (token !== null) query.set('after_token', token);
  return `${v1Base}/instances/?${query}`;
}

/** A page's rows and the token of the next page (null on the last); null when the answer is not a page. */
export function vastListPage(body: unknown): { rows: Record<string, unknown>[]; next: string | null } | null {
  if (!isRecord(body)) return null;
  // The official client reads `instances: null` as an empty page.
  const rows = Array.isArray(body.instances)
    ? body.instances.filter(isRecord)
    : body.instances === null
      ? []
      : null;
  return rows && { rows, next: str(body.next_token) };
}

/** Vast's answer from a retired endpoint: 410 `{"error":"deprecated_endpoint","msg":"Use … instead"}`. */
export const vastRetired = (answer: HttpAnswer) =>
  answer.status === 410 && isRecord(answer.body) && answer.body.error === 'deprecated_endpoint';
