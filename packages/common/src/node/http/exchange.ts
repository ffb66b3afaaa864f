import { HttpFailure, type HttpResponse, networkReason } from './failure.js';

/** One request as the client prepared it. */
export interface Exchange {
  fetch: typeof globalThis.fetch;
  url: string;
  init: Omit<RequestInit, 'signal'>;
  what: string;
  /** For the whole exchange, answer body included. */
  timeoutMs: number;
  /** The caller's signal: its abort ends the exchange with the signal's reason, not an HttpFailure. */
  signal?: AbortSignal;
  redact: (text: string) => string;
}

const parseJson = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
};

/**
 * Sends one request and reads its whole answer, whatever the status; never retries. Throws HttpFailure
 * (`timeout` after `timeoutMs`, `network` otherwise) when no whole answer came, or the caller's abort reason.
 */
export async function exchange(x: Exchange): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(x.timeoutMs);
  const signal = x.signal ? AbortSignal.any([x.signal, timeout]) : timeout;
  try {
    const response = await x.fetch(x.url, { ...x.init, signal });
    const text = await response.text();
    return {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      text,
      body: parseJson(text),
      what: x.what,
    };
  } catch (error) {
    if (x.signal?.aborted) throw x.signal.reason;
    if (timeout.aborted) {
      throw new HttpFailure('timeout', x.what, `no answer within ${x.timeoutMs} ms`, null, null, {
        cause: error,
      });
    }
    throw new HttpFailure('network', x.what, x.redact(networkReason(error)), null, null, { cause: error });
  }
}
