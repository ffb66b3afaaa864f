import { cutToCodeUnits } from '@podpilot/common';
import { HttpClient, HttpFailure, type HttpResponse, isTransientStatus } from '@podpilot/common/node';

/** Vast.ai's REST API, as containers reach it. */
export const DEFAULT_VASTAI_URL = 'https://console.vast.ai/api/v0';
/** Runpod's REST v2 API. */
export const DEFAULT_RUNPOD_URL = 'https://api.runpod.io/v2';

/** The provider refused to stop the instance, or could not be reached; the message never holds the key. */
export class SelfStopError extends Error {
  override name = 'SelfStopError';
}

/** How a container stops its own rental, found from its environment. */
export interface SelfStopMethod {
  kind: 'vastai' | 'runpod';
  /** For people and logs, e.g. `the Vast.ai API (PUT https://…/instances/42/)`; never holds the key. */
  describe: string;
  /**
   * Asks the provider to stop this instance. Resolves once the provider accepted; retries a 429/5xx or an
   * unreachable API a few times (honouring Retry-After, bounded); rejects with a SelfStopError that names the
   * provider's reason otherwise. The API key never appears in the message.
   */
  stop(signal?: AbortSignal): Promise<void>;
}

/** Retry and timeout bounds of `stop` (the defaults suit production; tests shorten them). */
export interface SelfStopOptions {
  /** Requests in all, the first included. Default 4. */
  attempts?: number;
  /** Longest wait between two attempts, whatever Retry-After asks. Default 30 s. */
  maxWaitMs?: number;
  /** Timeout of each request. Default 15 s. */
  timeoutMs?: number;
}

/** One request to the provider; `judge` turns a 2xx answer into an error message, or null when it worked. */
interface StopRequest {
  provider: string;
  what: string;
  method: 'PUT' | 'POST';
  url: string;
  body: unknown;
  key: string;
  judge?: (body: unknown) => string | null;
}

const present = (value: string | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * How this container can stop its own instance: Vast.ai when `CONTAINER_ID` and `CONTAINER_API_KEY` are set
 * (`PUT {vastai}/instances/{id}/` with `{"state":"stopped"}`), Runpod when `RUNPOD_POD_ID` and
 * `RUNPOD_API_KEY` are (`POST {runpod}/pods/{id}/action` with `{"action":"stop"}`), else null (the local
 * provider, or a pod granted no API key). `urls` replaces the providers' API base URLs (tests, proxies).
 */
export function selfStopMethod(
  env: Record<string, string | undefined>,
  urls: { vastai?: string; runpod?: string } = {},
  options: SelfStopOptions = {},
): SelfStopMethod | null {
  const vastId = present(env.CONTAINER_ID);
  const vastKey = present(env.CONTAINER_API_KEY);
  if (vastId && vastKey) {
    const url = `${trimSlash(urls.vastai ?? DEFAULT_VASTAI_URL)}/instances/${encodeURIComponent(vastId)}/`;
    const request: StopRequest = {
      provider: 'Vast.ai',
      what: `instance ${vastId}`,
      method: 'PUT',
      url,
      body: { state: 'stopped' },
      key: vastKey,
      judge: (body) => {
        if (!isObject(body) || body.success !== false) return null;
        return `answered success:false${reasonOf(body) ? `: ${reasonOf(body)}` : ''}`;
      },
    };
    return {
      kind: 'vastai',
      describe: `the Vast.ai API (PUT ${url})`,
      stop: (signal) => send(request, options, signal),
    };
  }
  const podId = present(env.RUNPOD_POD_ID);
  const podKey = present(env.RUNPOD_API_KEY);
  if (podId && podKey) {
    const url = `${trimSlash(urls.runpod ?? DEFAULT_RUNPOD_URL)}/pods/${encodeURIComponent(podId)}/action`;
    const request: StopRequest = {
      provider: 'Runpod',
      what: `pod ${podId}`,
      method: 'POST',
      url,
      body: { action: 'stop' },
      key: podKey,
    };
    return {
      kind: 'runpod',
      describe: `the Runpod API (POST ${url})`,
      stop: (signal) => send(request, options, signal),
    };
  }
  return null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The reason an error body gives: Vast.ai's `msg`/`error`, RFC 9457's `title: detail`. */
function reasonOf(body: unknown): string | null {
  if (!isObject(body)) return null;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const problem = [text(body.title), text(body.detail)].filter(Boolean).join(': ');
  return text(body.msg) ?? text(body.error) ?? (problem || null);
}

/** `503 Service Unavailable: maintenance`: the status and the provider's reason (or the start of its text). */
function statusLine(res: HttpResponse): string {
  const reason = reasonOf(res.body) ?? cutToCodeUnits(res.text.replace(/\s+/g, ' ').trim(), 300);
  return `${res.status} ${res.statusText}${reason ? `: ${reason}` : ''}`.trim();
}

/** Why the core gave up: an error status, or the API out of reach; "(after N attempts)" once retries ran out. */
function failureReason(failure: HttpFailure, url: string): string {
  const reason = failure.response
    ? statusLine(failure.response)
    : `could not reach ${url}: ${failure.reason}`;
  const retried = failure.status === null || isTransientStatus(failure.status);
  return retried ? `${reason} (after ${failure.attempts} attempts)` : reason;
}

/**
 * One stop request through the HTTP core: 429, 5xx and unreachable APIs are retried (the request is
 * idempotent: stopping a stopped instance changes nothing), waiting the backoff or Retry-After, at most
 * `maxWaitMs`.
 */
async function send(request: StopRequest, options: SelfStopOptions, signal?: AbortSignal): Promise<void> {
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const http = new HttpClient({
    timeoutMs: options.timeoutMs ?? 15_000,
    retry: {
      attempts: Math.max(1, options.attempts ?? 4),
      baseMs: 1000,
      capMs: maxWaitMs,
      jitter: 'half',
      maxWaitMs,
    },
    secrets: () => [request.key],
  });
  // Anything the provider echoes back goes through redact before it reaches a message.
  const fail = (reason: string) =>
    new SelfStopError(http.redact(`${request.provider} did not stop ${request.what}: ${reason}`));
  let res: HttpResponse;
  try {
    res = await http.request({
      method: request.method,
      url: request.url,
      headers: { authorization: `Bearer ${request.key}`, accept: 'application/json' },
      json: request.body,
      idempotent: true,
      signal,
    });
  } catch (error) {
    throw error instanceof HttpFailure ? fail(failureReason(error, request.url)) : error;
  }
  if (res.status < 200 || res.status >= 300) throw fail(statusLine(res));
  const refusal = request.judge?.(res.body) ?? null;
  if (refusal) throw fail(refusal);
}
