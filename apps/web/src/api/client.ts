import {
  type AnswerOf,
  ApiCallError,
  type CallArgs,
  CSRF_HEADER,
  createApiClient,
  type Endpoint,
  type ErrorCode,
  type ErrorIssue,
  type HttpMethod,
} from '@podpilot/common';
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

/**
 * The page's client of the endpoint catalogue: same-origin cookies, and the CSRF header on every request
 * that may change state (a cross-site page cannot add it).
 */
const hub = createApiClient({
  baseUrl: '',
  credentials: 'same-origin',
  headers: ({ method }): Record<string, string> =>
    method === 'GET' ? { accept: 'application/json' } : { accept: 'application/json', [CSRF_HEADER]: '1' },
});

/** The client's failure in the web app's terms; a lost session also tells the 401 handler. */
function requestError(error: unknown): unknown {
  if (!(error instanceof ApiCallError)) return error;
  if (error.code === 'network') {
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
    return new ApiRequestError({
      status: 0,
      code: 'network',
      message: `Cannot reach the hub (${cause}). Is it running?`,
    });
  }
  if (error.status === 401 && !error.path.startsWith('/api/auth/')) onUnauthorized();
  return new ApiRequestError({
    status: error.status,
    code: error.code,
    message: error.status < 300 ? `Unexpected answer from ${error.method} ${error.path}` : error.message,
    issues: error.issues,
    retryAfterSeconds: error.retryAfterMs === null ? null : Math.ceil(error.retryAfterMs / 1000),
  });
}

/** Calls one catalogue endpoint; rejects with ApiRequestError. */
export async function apiCall<E extends Endpoint>(endpoint: E, ...args: CallArgs<E>): Promise<AnswerOf<E>> {
  try {
    return await hub.call(endpoint, ...args);
  } catch (error) {
    throw requestError(error);
  }
}

interface RequestOptions<T> {
  method?: HttpMethod;
  body?: unknown;
  /** Validates a JSON answer; leave out for answers without a body (204). */
  schema?: z.ZodType<T>;
}

/** A request by path (prefer `apiCall` with the endpoint); rejects with ApiRequestError. */
export async function api<T = void>(path: string, opts: RequestOptions<T> = {}): Promise<T> {
  try {
    const answer = await hub.send(opts.method ?? 'GET', path, { body: opts.body, schema: opts.schema });
    return (opts.schema ? answer : undefined) as T;
  } catch (error) {
    throw requestError(error);
  }
}

/** Errors worth retrying: the network, or the hub failing (5xx). Never 4xx. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof ApiRequestError) || error.status === 0 || error.status >= 500;
}
