import type { z } from 'zod';
import { ApiError } from './errors.js';

/** The HTTP methods of the catalogue. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * What a successful answer holds: `json` (checked with the status's schema), `empty` (204, no body), `text`
 * (e.g. YAML), or a raw answer the caller reads itself: `sse` (Server-Sent Events), `zip` or `file` (downloads).
 */
export type AnswerKind = 'json' | 'empty' | 'text' | 'sse' | 'zip' | 'file';

/** Who may call a route: the owner (session or API token), an agent (its agent token), or anyone. */
export type AuthKind = 'owner' | 'agent' | 'public';

/** Answer schemas by HTTP status (error statuses answer the `ApiError` envelope). */
export type ResponseSchemas = { readonly [status: number]: z.ZodType };

/**
 * One route of the hub, the single description the hub registers and every client calls through. `path` is
 * Fastify style (`/api/instances/:id`, a trailing `*` for the rest of the path); `params`, `query` and `body`
 * are the schemas the hub validates requests with; `responses` the schemas of its answers by status.
 */
export interface Endpoint {
  readonly method: HttpMethod;
  readonly path: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly responses: ResponseSchemas;
  readonly answer: AnswerKind;
  readonly auth: AuthKind;
  /** OpenAPI grouping and one-line description. */
  readonly tags: readonly string[];
  readonly summary: string;
}

/** Declares a catalogue entry, keeping its exact schema types for the hub's handlers and the client. */
/* @__NO_SIDE_EFFECTS__ */
export function endpoint<const E extends Endpoint>(spec: E): E {
  return spec;
}

/** `ApiError` for each of these statuses, for an entry's `responses`. */
/* @__NO_SIDE_EFFECTS__ */
export function apiErrors<const S extends readonly number[]>(
  ...statuses: S
): { readonly [K in S[number]]: typeof ApiError } {
  return Object.fromEntries(statuses.map((status) => [status, ApiError])) as {
    readonly [K in S[number]]: typeof ApiError;
  };
}

/** Statuses whose answer is the call's result; every other status is an error. */
export type SuccessStatus = 200 | 201 | 202 | 204;

type InputOf<E, K extends string> = E extends { readonly [P in K]: infer S extends z.ZodType }
  ? z.input<S>
  : undefined;

/** What the path parameters of `E` take (`undefined` without any). */
export type ParamsOf<E extends Endpoint> = InputOf<E, 'params'>;
/** What the query string of `E` takes. */
export type QueryOf<E extends Endpoint> = InputOf<E, 'query'>;
/** What the body of `E` takes. */
export type BodyOf<E extends Endpoint> = InputOf<E, 'body'>;

/** The success answers of `E` (the union of its 2xx schemas' outputs). */
export type JsonAnswerOf<E extends Endpoint> = z.output<
  E['responses'][Extract<keyof E['responses'], SuccessStatus>]
>;

/** The part of a fetch answer the client reads (the global `Response` and undici's both fit). */
export interface FetchAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** What a call of `E` resolves to: the parsed JSON, null (204), the text, or the raw answer to read. */
export type AnswerOf<E extends Endpoint> = E['answer'] extends 'json'
  ? JsonAnswerOf<E>
  : E['answer'] extends 'empty'
    ? null
    : E['answer'] extends 'text'
      ? string
      : FetchAnswer;
