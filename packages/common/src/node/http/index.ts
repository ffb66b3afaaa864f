/**
 * The one outbound HTTP core (hub: providers, Tailscale, model-URL probes, webhooks; agent: self-stop, and the
 * status/Retry-After rules of the model downloads). Retries go through the common `retry` core.
 */
export {
  describeBody,
  HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpRetryPolicy,
  httpRequest,
} from './client.js';
export {
  HttpFailure,
  type HttpFailureKind,
  type HttpResponse,
  isFailureStatus,
  isTransientStatus,
  networkReason,
} from './failure.js';
export { headerSecrets, REDACTED, redact, safeUrl } from './redact.js';
