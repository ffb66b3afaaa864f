import { maskWebhookUrl, type NotificationDelivery, type RetryOptions, retry } from '@podpilot/common';
import { HttpFailure, httpRequest } from '@podpilot/common/node';
import { type OutboundGuard, outboundRefusal } from '../../lib/outbound-guard.js';
import { WEBHOOK_REFUSED } from '../../lib/webhook-url.js';

/** How deliveries retry: tries in all and the backoff between them (tests shorten it). */
export interface DeliveryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
  timeoutMs: number;
  sleep?: RetryOptions['sleep'];
}

/** 4 tries over about 15 s at most: a receiver that is briefly down still gets the notice. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  attempts: 4,
  baseMs: 1_000,
  capMs: 8_000,
  timeoutMs: 10_000,
};

/** One try's failure: the receiver's status (null when it never answered) and whether to try again. */
class TryFailure extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** `text` without the URL or its path (the webhook's secret), should a lower layer have quoted it. */
function scrubbed(text: string, url: string): string {
  let out = text.split(url).join(maskWebhookUrl(url));
  try {
    const { pathname, search } = new URL(url);
    if (pathname.length > 1)
      out = out
        .split(pathname + search)
        .join('/…')
        .split(pathname)
        .join('/…');
  } catch {}
  return out;
}

async function tryOnce(url: string, body: unknown, guard: OutboundGuard, timeoutMs: number): Promise<number> {
  try {
    const res = await httpRequest(
      { method: 'POST', url, json: body, timeoutMs, what: 'webhook POST', redirect: 'manual' },
      { fetch: guard.fetch },
    );
    if (res.status >= 200 && res.status < 300) return res.status;
    throw new TryFailure(`the receiver answered ${res.status}`, res.status, false);
  } catch (error) {
    if (error instanceof TryFailure) throw error;
    if (outboundRefusal(error)) throw new TryFailure(`refused: ${WEBHOOK_REFUSED}`, null, false);
    if (error instanceof HttpFailure && error.status !== null) {
      const status = error.status;
      const retryable = status === 429 || status >= 500;
      throw new TryFailure(`the receiver answered ${error.reason}`, status, retryable, error.retryAfterMs);
    }
    const reason = error instanceof HttpFailure ? error.reason : String(error);
    throw new TryFailure(`the receiver could not be reached: ${reason}`, null, true);
  }
}

/**
 * POSTs `body` as JSON to `url` through the outbound guard, retrying with backoff (the project's `retry`)
 * a 429, a 5xx, a timeout or an unreachable receiver; any other 4xx and a refused address are final.
 * Never throws: answers the outcome, whose error never holds the URL.
 */
export async function deliver(
  url: string,
  body: unknown,
  guard: OutboundGuard,
  policy: DeliveryPolicy,
  now: () => number = Date.now,
): Promise<NotificationDelivery> {
  let attempts = 0;
  const options: RetryOptions = {
    attempts: policy.attempts,
    baseMs: policy.baseMs,
    capMs: policy.capMs,
    jitter: 'half',
    retryable: (e) => e instanceof TryFailure && e.retryable,
    retryAfterMs: (e) => (e instanceof TryFailure ? Math.min(e.retryAfterMs ?? 0, policy.capMs) : null),
    ...(policy.sleep ? { sleep: policy.sleep } : {}),
  };
  try {
    const status = await retry(() => {
      attempts++;
      return tryOnce(url, body, guard, policy.timeoutMs);
    }, options);
    return { ok: true, status, error: null, attempts, at: new Date(now()).toISOString() };
  } catch (error) {
    const failure = error instanceof TryFailure ? error : null;
    const message = scrubbed(failure?.message ?? String(error), url);
    const tries = attempts > 1 ? ` (after ${attempts} tries)` : '';
    return {
      ok: false,
      status: failure?.status ?? null,
      error: `${message}${tries}`,
      attempts,
      at: new Date(now()).toISOString(),
    };
  }
}
