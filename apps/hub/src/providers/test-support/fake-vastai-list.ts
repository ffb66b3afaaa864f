/**
 * Vast.ai's instance lists for the fake (shared/provider-apis.md): the retired `GET /api/v0/instances/`
 * (410 `deprecated_endpoint`) and `GET /api/v1/instances/`, at most 25 rows a page with `next_token`, filtered
 * server-side by `select_filters`. Query parameters as the official vast-cli sends them (`vast.py`
 * `_fetch_all_instances_v1`, `vastai/api/instances.py`): `select_filters` and `order_by` as JSON,
 * `limit`, and the previous answer's `next_token` as `after_token` (`next_token` also accepted, as the
 * docs word it). Test code only.
 */
import { randomBytes } from 'node:crypto';
import { isRecord } from '../json.js';
import type { VastInstanceJson } from '../vastai/vastai-api.js';
import type { FakeReply } from './fake-server.js';
import { meetsVastCondition, VAST_OPS } from './fake-vastai-offers.js';

/** Rows a v1 page holds at most; a larger `limit` is cut to it. */
export const VAST_PAGE_SIZE = 25;
/** How long a `next_token` may be used (on the fake's clock). */
export const VAST_TOKEN_TTL_MS = 10 * 60_000;

/** The v0 list's answer since Vast retired it. */
export const VAST_V0_LIST_GONE: FakeReply = {
  status: 410,
  body: { success: false, error: 'deprecated_endpoint', msg: 'Use /api/v1/instances/ instead' },
};

interface Order {
  col: string;
  dir: 'asc' | 'desc';
}

interface Token {
  /** The query it continues: filters and order, as JSON. */
  query: string;
  /** The order columns' values of the last row sent. */
  after: unknown[];
  expires: number;
}

const refuse = (msg: string): FakeReply => ({
  status: 400,
  body: { success: false, error: 'invalid_args', msg },
});

function json(params: URLSearchParams, name: string): { value: unknown } | { error: string } {
  const text = params.get(name);
  if (text === null) return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: `${name} must be JSON` };
  }
}

/** Null/undefined first, then numbers or strings by value. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

function readOrder(raw: unknown): Order[] | string {
  if (raw === undefined) return [{ col: 'id', dir: 'asc' }];
  if (!Array.isArray(raw)) return 'order_by must be a list of {col, dir}';
  const order: Order[] = [];
  for (const item of raw) {
    if (!isRecord(item) || typeof item.col !== 'string') return 'order_by must be a list of {col, dir}';
    order.push({ col: item.col, dir: item.dir === 'desc' ? 'desc' : 'asc' });
  }
  // Rows are unique by id, so the cursor always points at one place.
  return order.some((o) => o.col === 'id') ? order : [...order, { col: 'id', dir: 'asc' }];
}

function readFilters(raw: unknown): Record<string, unknown> | string {
  if (raw === undefined) return {};
  if (!isRecord(raw)) return 'select_filters must be a JSON object of {field: {op: value}}';
  for (const [field, condition] of Object.entries(raw)) {
    if (!isRecord(condition)) return `select_filters.${field} must be {op: value}`;
    const unknown = Object.keys(condition).find((op) => !(op in VAST_OPS));
    if (unknown) return `select_filters.${field}: unknown operator ${unknown}`;
  }
  return raw;
}

/** The v1 list's state: the tokens it handed out. */
export class FakeVastPager {
  private readonly tokens = new Map<string, Token>();

  constructor(private readonly now: () => number) {}

  /** Every token handed out so far stops working (as after its lifetime). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** One page of `rows` for the query in `params`. */
  page(rows: VastInstanceJson[], params: URLSearchParams): FakeReply {
    const filtersJson = json(params, 'select_filters');
    const orderJson = json(params, 'order_by');
    if ('error' in filtersJson) return refuse(filtersJson.error);
    if ('error' in orderJson) return refuse(orderJson.error);
    const filters = readFilters(filtersJson.value);
    const order = readOrder(orderJson.value);
    if (typeof filters === 'string') return refuse(filters);
    if (typeof order === 'string') return refuse(order);
    const limitText = params.get('limit');
    const limit = limitText === null ? VAST_PAGE_SIZE : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) return refuse('limit must be a positive integer');
    const key = (row: VastInstanceJson) =>
      order.map((o) => (row as unknown as Record<string, unknown>)[o.col]);
    const cmp = (a: unknown[], b: unknown[]) => {
      for (const [i, o] of order.entries()) {
        const c = compare(a[i], b[i]);
        if (c !== 0) return o.dir === 'desc' ? -c : c;
      }
      return 0;
    };
    const query = JSON.stringify([filters, order]);
    const tokenText = params.get('after_token') ?? params.get('next_token');
    let after: unknown[] | null = null;
    if (tokenText !== null) {
      const token = this.tokens.get(tokenText);
      if (!token || token.expires <= this.now()) return refuse('invalid or expired pagination token');
      if (token.query !== query) return refuse('the pagination token belongs to another query');
      after = token.after;
    }
    const matching = rows
      .filter((row) =>
        Object.entries(filters).every(([field, c]) =>
          meetsVastCondition((row as unknown as Record<string, unknown>)[field], c),
        ),
      )
      .sort((a, b) => cmp(key(a), key(b)));
    const rest = after === null ? matching : matching.filter((row) => cmp(key(row), after) > 0);
    const page = rest.slice(0, Math.min(limit, VAST_PAGE_SIZE));
    const last = page.at(-1);
    let next: string | null = null;
    if (last && rest.length > page.length) {
      next = randomBytes(12).toString('base64url');
      this.tokens.set(next, { query, after: key(last), expires: this.now() + VAST_TOKEN_TTL_MS });
    }
    return {
      status: 200,
      body: { instances: page, next_token: next, total_instances: matching.length },
    };
  }
}
