/** Base of every provider failure; `provider` names the adapter (`vastai`, `runpod`, `local`). */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly provider: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${message}`, options);
  }
}

/** The offer is gone or the provider has no GPU matching the request: choose another offer. */
export class NoCapacityError extends ProviderError {
  override name = 'NoCapacityError';
}

/** The instance was created but will never run (Vast.ai `exited`/`unknown`/`offline`, Runpod `ERROR`). */
export class ProvisioningError extends ProviderError {
  override name = 'ProvisioningError';
}

/** 429: wait `retryAfterMs` (from Retry-After, else a backoff) before calling again. */
export class RateLimitedError extends ProviderError {
  override name = 'RateLimitedError';
  constructor(
    provider: string,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(provider, message);
  }
}

/** The API key is missing, wrong or lacks the permission: retrying cannot help. */
export class AuthError extends ProviderError {
  override name = 'AuthError';
}

/** Destroy was accepted but the instance still exists (it bills until gone): check again later. */
export class NotYetTerminatedError extends ProviderError {
  override name = 'NotYetTerminatedError';
}

/** The provider did not answer or answered 5xx / timed out: the outcome of a mutating call is unknown. */
export class ProviderUnavailableError extends ProviderError {
  override name = 'ProviderUnavailableError';
}
