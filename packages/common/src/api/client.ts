import type { z } from 'zod';
import { type RetryOptions, retry } from '../retry/retry.js';
import { ApiCallError, errorFromAnswer, isTransientError, networkReason } from './client-error.js';
import type {
  AnswerKind,
  AnswerOf,
  BodyOf,
  Endpoint,
  FetchAnswer,
  HttpMethod,
  ParamsOf,
  QueryOf,
} from './endpoint.js';
import { urlFor } from './endpoint-url.js';

/** What the client hands to `fetch` (the global one, undici's and test doubles all take it). */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal?: AbortSignal | undefined;
  credentials?: 'same-origin' | 'include' | 'omit';
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchAnswer>;

/** One request as the client's hooks see it (`endpoint` is unset for `send`). */
export interface ApiRequestInfo {
  method: HttpMethod;
  /** Path and query. */
  url: string;
  endpoint?: Endpoint;
}

export interface ApiClientOptions {
  /** Origin (and any path prefix) of the hub; '' for the page's own origin in a browser. */
  baseUrl: string;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /** Headers for a request (auth, CSRF, …), added to the call's own. */
  headers?: (request: ApiRequestInfo) => Record<string, string>;
  /** Sent with every request (the browser's `same-origin` cookies). */
  credentials?: FetchInit['credentials'];
  /** Gives up on an attempt that takes longer (no limit when unset). */
  timeoutMs?: number;
}

/** What a call sends besides the path parameters, query and body of its endpoint. */
export interface SendOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /**
   * Retries transient failures (no answer, 429, 5xx: `isTransientError`) with the common retry core, waiting
   * at least the answer's Retry-After. Unset: one attempt.
   */
  retry?: RetryOptions;
}

/** One part of a call: absent when the endpoint has none, optional when all of it is, else required. */
type Slot<K extends string, T> = [T] extends [undefined]
  ? { [P in K]?: undefined }
  : object extends T
    ? { [P in K]?: T }
    : undefined extends T
      ? { [P in K]?: T }
      : { [P in K]: T };

/** A body sent as it is with its own content type instead of JSON (e.g. a profile's YAML). */
export interface RawBody {
  text: string;
  contentType: string;
}

/** The options of one call of `E`: its params (required when it has some), query and body (or a raw body). */
export type CallOptions<E extends Endpoint> = Slot<'params', ParamsOf<E>> &
  Slot<'query', QueryOf<E> | URLSearchParams> &
  (Slot<'body', BodyOf<E>> | { body?: undefined; rawBody: RawBody }) &
  SendOptions;

/** The arguments after the endpoint: its options, optional when nothing in them is required. */
export type CallArgs<E extends Endpoint> =
  object extends CallOptions<E> ? [options?: CallOptions<E>] : [options: CallOptions<E>];

/** A typed client of the endpoint catalogue. */
export interface ApiClient {
  /** Calls `endpoint`; rejects with ApiCallError (the hub's envelope, `network` or `bad_response`). */
  call<E extends Endpoint>(endpoint: E, ...args: CallArgs<E>): Promise<AnswerOf<E>>;
  /**
   * A request by method and path, for callers that hold a path rather than an endpoint: the answer is parsed
   * with `schema`, or is null without one.
   */
  send<T = null>(
    method: HttpMethod,
    url: string,
    options?: SendOptions & { body?: unknown; rawBody?: RawBody; schema?: z.ZodType<T> },
  ): Promise<T>;
}

interface Exchange {
  info: ApiRequestInfo;
  body: unknown;
  rawBody?: RawBody | undefined;
  options: SendOptions;
  answer: AnswerKind;
  schemaFor: (status: number) => z.ZodType | undefined;
}

/** The schema of a success status, or the first success schema (a 200 entry read for a 201, …). */
function successSchema(endpoint: Endpoint, status: number): z.ZodType | undefined {
  const responses = endpoint.responses as Record<number, z.ZodType>;
  return responses[status] ?? [200, 201, 202].map((s) => responses[s]).find(Boolean);
}

/** The client's settings once resolved. */
interface Context {
  options: ApiClientOptions;
  fetch: FetchLike;
  base: string;
}

/** Builds a client on `fetch`; each caller adds its auth, timeouts and retries through the options. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const context: Context = {
    options,
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    base: options.baseUrl.replace(/\/+$/, ''),
  };
  return {
    call(endpoint, ...args) {
      const call = (args[0] ?? {}) as SendOptions & {
        params?: never;
        query?: never;
        body?: unknown;
        rawBody?: RawBody;
      };
      const url = urlFor(endpoint, { params: call.params, query: call.query });
      return run(context, {
        info: { method: endpoint.method, url, endpoint },
        body: call.body,
        rawBody: call.rawBody,
        options: call,
        answer: endpoint.answer,
        schemaFor: (status) => successSchema(endpoint, status),
      }) as Promise<never>;
    },
    send(method, url, call = {}) {
      return run(context, {
        info: { method, url },
        body: call.body,
        rawBody: call.rawBody,
        options: call,
        answer: call.schema ? 'json' : 'empty',
        schemaFor: () => call.schema,
      }) as Promise<never>;
    },
  };
}

/** One exchange, retried when the call asked for it. */
function run(context: Context, exchange: Exchange): Promise<unknown> {
  const policy = exchange.options.retry;
  if (!policy) return attempt(context, exchange);
  return retry(() => attempt(context, exchange), {
    retryable: isTransientError,
    retryAfterMs: (error) => (error instanceof ApiCallError ? error.retryAfterMs : null),
    ...policy,
    signal: policy.signal ?? exchange.options.signal,
  });
}

/** The headers and body of a request: the client's and the call's headers, JSON or the raw body. */
function requestOf(context: Context, exchange: Exchange): { headers: Record<string, string>; body?: string } {
  const { info, body, rawBody, options: call } = exchange;
  const headers: Record<string, string> = { ...context.options.headers?.(info), ...call.headers };
  if (rawBody) {
    headers['content-type'] = rawBody.contentType;
    return { headers, body: rawBody.text };
  }
  if (body === undefined) return { headers };
  headers['content-type'] = 'application/json';
  return { headers, body: JSON.stringify(body) };
}

/** Sends once and reads the answer: the raw answer, its text, null, or its JSON checked by the schema. */
async function attempt(context: Context, exchange: Exchange): Promise<unknown> {
  const { info, options: call } = exchange;
  const request = { method: info.method, path: info.url.split('?')[0] ?? info.url };
  const init: FetchInit = {
    method: info.method,
    ...requestOf(context, exchange),
    signal: signalFor(call.signal, context.options.timeoutMs),
    ...(context.options.credentials ? { credentials: context.options.credentials } : {}),
  };
  let answer: FetchAnswer;
  try {
    answer = await context.fetch(`${context.base}${info.url}`, init);
  } catch (error) {
    const message = `cannot reach ${context.base || 'the hub'}: ${networkReason(error)}`;
    throw new ApiCallError({ ...request, status: 0, code: 'network', message, cause: error });
  }
  if (answer.ok && isRaw(exchange.answer)) return answer;
  let text: string;
  try {
    text = await answer.text();
  } catch (error) {
    const message = `the answer to ${request.method} ${request.path} broke off: ${(error as Error).message}`;
    throw new ApiCallError({ ...request, status: answer.status, code: 'network', message, cause: error });
  }
  if (!answer.ok) throw errorFromAnswer(request, answer, text);
  return readSuccess(exchange, request, answer.status, text);
}

const isRaw = (answer: AnswerKind) => answer === 'sse' || answer === 'zip' || answer === 'file';

function readSuccess(
  exchange: Exchange,
  request: { method: string; path: string },
  status: number,
  text: string,
): unknown {
  if (exchange.answer === 'text') return text;
  if (exchange.answer === 'empty') return null;
  const schema = exchange.schemaFor(status);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = undefined;
  }
  const parsed = schema?.safeParse(json);
  if (parsed?.success) return parsed.data;
  throw new ApiCallError({
    ...request,
    status,
    code: 'bad_response',
    message: `unexpected answer from ${request.method} ${request.path}`,
    issues: (parsed?.error.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message })),
    body: text,
  });
}

/** The call's own signal, a timeout, both, or neither. */
function signalFor(signal: AbortSignal | undefined, timeoutMs: number | undefined): AbortSignal | undefined {
  if (timeoutMs === undefined) return signal;
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
