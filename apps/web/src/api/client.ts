import { ApiError, CSRF_HEADER, type ErrorCode, type ErrorIssue } from '@podpilot/common';
import type { z } from 'zod';

/** A failed API call: the hub's `ApiError` body, or a description of what went wrong on the way. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'network' | 'bad_response';
  readonly issues: ErrorIssue[];
  /** From the `Retry-After` header of a 429 answer, in seconds. */
  readonly retryAfterSeconds: number | null;

  constructor(opts: {
    status: number;
    code: ApiRequestError['code'];
    message: string;
    issues?: ErrorIssue[];
    retryAfterSeconds?: number | null;
  }) {
    super(opts.message);
    this.name = 'ApiRequestError';
    this.status = opts.status;
    this.code = opts.code;
    this.issues = opts.issues ?? [];
    this.retryAfterSeconds = opts.retryAfterSeconds ?? null;
  }
}

let onUnauthorized: () => void = () => {};

/** Called on a 401 from any `/api` path outside `/api/auth/`: the session is gone. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions<T> {
  method?: Method;
  body?: unknown;
  /** Validates a JSON answer; leave out for answers without a body (204). */
  schema?: z.ZodType<T>;
}

export async function api<T = void>(path: string, opts: RequestOptions<T> = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  if (opts.body !== undefined) headers['content-type'] = 'application/json';

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (err) {
    throw new ApiRequestError({
      status: 0,
      code: 'network',
      message: `Cannot reach the hub (${err instanceof Error ? err.message : String(err)}). Is it running?`,
    });
  }

  if (!res.ok) {
    const error = await readError(res);
    if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized();
    throw error;
  }
  if (!opts.schema) return undefined as T;

  const json: unknown = await res.json().catch(() => undefined);
  const parsed = opts.schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiRequestError({
      status: res.status,
      code: 'bad_response',
      message: `Unexpected answer from ${method} ${path}`,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

async function readError(res: Response): Promise<ApiRequestError> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const retryAfter = Number.parseInt(res.headers.get('retry-after') ?? '', 10);
  const retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : null;
  const parsed = ApiError.safeParse(body);
  if (parsed.success) {
    const { code, message, issues } = parsed.data.error;
    return new ApiRequestError({ status: res.status, code, message, issues, retryAfterSeconds });
  }
  const detail = text.trim().slice(0, 200) || res.statusText;
  return new ApiRequestError({
    status: res.status,
    code: 'bad_response',
    message: `HTTP ${res.status}${detail ? `: ${detail}` : ''}`,
    retryAfterSeconds,
  });
}

/** Errors worth retrying: the network, or the hub failing (5xx). Never 4xx. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof ApiRequestError) || error.status === 0 || error.status >= 500;
}
