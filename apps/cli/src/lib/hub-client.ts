import {
  type AnswerOf,
  ApiCallError,
  type ApiClient,
  type CallArgs,
  createApiClient,
  type Endpoint,
  networkReason,
} from '@podpilot/common';
import { CliError } from './cli-error.js';
import type { Credentials } from './credentials.js';
import { httpFetch } from './http-fetch.js';

/** No answer in a minute means something is wrong; say so rather than hang. */
const TIMEOUT_MS = 60_000;

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

/** Talks to the hub's `/api` with an API token, through the endpoint catalogue's client. */
export class HubClient {
  private readonly api: ApiClient;

  constructor(readonly credentials: Credentials) {
    this.api = createApiClient({
      baseUrl: credentials.hubUrl,
      headers: () => ({ authorization: `Bearer ${credentials.token}` }),
      timeoutMs: TIMEOUT_MS,
      fetch: httpFetch,
    });
  }

  /**
   * Calls one catalogue endpoint; every answer is checked against its schema. Throws HubError for a failed
   * request, CliError for an answer this CLI does not understand.
   */
  async call<E extends Endpoint>(endpoint: E, ...args: CallArgs<E>): Promise<AnswerOf<E>> {
    try {
      return await this.api.call(endpoint, ...args);
    } catch (error) {
      throw error instanceof ApiCallError ? this.errorFrom(error) : error;
    }
  }

  /** The CLI's words for a failed call: what happened, and what to do when the user can do something. */
  private errorFrom(error: ApiCallError): CliError {
    const { hubUrl } = this.credentials;
    const request = `${error.method} ${error.path}`;
    if (error.code === 'network' && error.status === 0)
      return new HubError(`cannot reach the hub at ${hubUrl}: ${networkReason(error.cause)}`);
    if (error.code === 'network')
      return new HubError(`the hub's answer to ${request} broke off: ${(error.cause as Error).message}`);
    if (error.status < 300)
      return new CliError(`unexpected answer from ${request} (is the hub the same version as this CLI?)`);
    if (error.code === 'bad_response')
      return new HubError(`the hub answered ${error.status} ${error.statusText}`, [], error.status);
    if (error.code === 'unauthorized')
      return new HubError(`${error.message} (run \`podpilot login ${hubUrl}\`)`, [], error.status);
    const details = error.issues.map((i) => `${i.line ? `line ${i.line}: ` : ''}${i.path}: ${i.message}`);
    return details.length
      ? new HubError('the hub refused the request:', details, error.status)
      : new HubError(error.message, [], error.status);
  }
}
