import { ApiError } from '@podpilot/common';
import type { z } from 'zod';
import { CliError } from './cli-error.js';
import type { Credentials } from './credentials.js';

export interface RequestOptions<S extends z.ZodType | undefined> {
  body?: unknown;
  /** Validates the answer; without it the answer is returned as text. */
  schema?: S;
  /** Raw text body with this content type instead of JSON. */
  contentType?: string;
}

/**
 * A failed hub request: `status` is the HTTP status, or `undefined` when no answer came (connection refused
 * or dropped, timeout). Callers that may retry (an idempotent launch) look at it; the rest treat it as any
 * CliError.
 */
export class HubError extends CliError {
  override name = 'HubError';
  constructor(
    message: string,
    details: string[] = [],
    readonly status: number | undefined = undefined,
  ) {
    super(message, details);
  }

  /** No answer, or a 5xx: the same (idempotent) request may succeed when sent again. */
  get retryable(): boolean {
    return this.status === undefined || this.status >= 500;
  }
}

/** Talks to the hub's `/api` with an API token; every answer is checked against the shared schemas. */
export class HubClient {
  constructor(readonly credentials: Credentials) {}

  async request<S extends z.ZodType | undefined = undefined>(
    method: string,
    path: string,
    options: RequestOptions<S> = {},
  ): Promise<S extends z.ZodType ? z.infer<S> : string> {
    const url = new URL(path, this.credentials.hubUrl);
    const headers: Record<string, string> = { authorization: `Bearer ${this.credentials.token}` };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      body =
        typeof options.body === 'string' && options.contentType ? options.body : JSON.stringify(options.body);
    }
    let res: Response;
    try {
      // No answer in a minute means something is wrong; say so rather than hang.
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new HubError(
        `cannot reach the hub at ${this.credentials.hubUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
    let text: string;
    try {
      text = await res.text();
    } catch (error) {
      throw new HubError(
        `the hub's answer to ${method} ${url.pathname} broke off: ${(error as Error).message}`,
      );
    }
    if (!res.ok) throw this.errorFrom(res, text);
    if (!options.schema) return text as never;
    const parsed = options.schema.safeParse(text ? JSON.parse(text) : null);
    if (!parsed.success) {
      throw new CliError(
        `unexpected answer from ${method} ${url.pathname} (is the hub the same version as this CLI?)`,
      );
    }
    return parsed.data as never;
  }

  private errorFrom(res: Response, text: string): HubError {
    let parsed: ApiError | undefined;
    try {
      parsed = ApiError.parse(JSON.parse(text));
    } catch {
      return new HubError(`the hub answered ${res.status} ${res.statusText}`, [], res.status);
    }
    const { message, issues, code } = parsed.error;
    if (code === 'unauthorized')
      return new HubError(`${message} (run \`podpilot login ${this.credentials.hubUrl}\`)`, [], res.status);
    const details = (issues ?? []).map((i) => `${i.line ? `line ${i.line}: ` : ''}${i.path}: ${i.message}`);
    return details.length
      ? new HubError('the hub refused the request:', details, res.status)
      : new HubError(message, [], res.status);
  }
}
