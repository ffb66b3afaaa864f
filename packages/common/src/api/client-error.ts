import { retryAfterFromHeaders } from '../retry/retry.js';
import { ApiError, type ErrorCode, type ErrorIssue } from './errors.js';

/** Failures the client names itself: no (complete) answer, or an answer that is not what the catalogue says. */
export type ClientErrorCode = 'network' | 'bad_response';

export interface ApiCallErrorInit {
  method: string;
  /** The URL path called (without the query). */
  path: string;
  /** HTTP status; 0 when no answer came. */
  status: number;
  statusText?: string;
  code: ErrorCode | ClientErrorCode;
  message: string;
  issues?: ErrorIssue[];
  retryAfterMs?: number | null;
  /** The answer's text (error answers), for callers that show it. */
  body?: string;
  cause?: unknown;
}

/**
 * A failed call: the hub's `{error: {code, message, issues}}` envelope with the status and Retry-After, or
 * `network` (no answer, or one that broke off: `status` is then the answer's, else 0) or `bad_response` (a
 * non-JSON error answer, or a success the schema refuses; `issues` then say where).
 */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly statusText: string;
  readonly code: ErrorCode | ClientErrorCode;
  readonly issues: ErrorIssue[];
  readonly retryAfterMs: number | null;
  readonly body: string;

  constructor(init: ApiCallErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.statusText = init.statusText ?? '';
    this.code = init.code;
    this.issues = init.issues ?? [];
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.body = init.body ?? '';
  }
}

/** No answer, a 429 or a 5xx: the same request may succeed later. Every other failure is final. */
export function isTransientError(error: unknown): boolean {
  if (!(error instanceof ApiCallError)) return false;
  return error.code === 'network' || error.status === 429 || error.status >= 500;
}

/** Why a fetch failed: Node's fetch says only "fetch failed", its cause says ENOTFOUND, ECONNREFUSED, …. */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (error as Error | null)?.message ?? String(error);
}

/** The error for a non-2xx answer whose text was read: the envelope when it is one, else `bad_response`. */
export function errorFromAnswer(
  request: { method: string; path: string },
  answer: { status: number; statusText: string; headers: { get(name: string): string | null } },
  text: string,
): ApiCallError {
  const base = {
    ...request,
    status: answer.status,
    statusText: answer.statusText,
    retryAfterMs: retryAfterFromHeaders(answer.headers, Date.now()),
    body: text,
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const envelope = ApiError.safeParse(json);
  if (envelope.success) {
    const { code, message, issues } = envelope.data.error;
    return new ApiCallError({ ...base, code, message, issues: issues ?? [] });
  }
  const detail = text.trim().slice(0, 200) || answer.statusText;
  return new ApiCallError({
    ...base,
    code: 'bad_response',
    message: `HTTP ${answer.status}${detail ? `: ${detail}` : ''}`,
  });
}
