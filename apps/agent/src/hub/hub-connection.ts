import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  AGENT_API_PREFIX,
  AGENT_SPEAKS,
  type AgentEvent,
  type AnswerOf,
  ApiCallError,
  type ApiClient,
  type CallArgs,
  type ConfirmOutputsRequest,
  createApiClient,
  cutToCodeUnits,
  type Endpoint,
  endpoints,
  type HeartbeatResponse,
  isTransientError,
  type LogLine,
  type ModelSourceCredential,
  type OutputFile,
  type RegisterResponse,
  type RetryOptions,
  type SnapshotReport,
  type UploadedPart,
} from '@podpilot/common';
import type { ForwardRoute } from '@podpilot/common/node';
import type { HeartbeatFacts } from '../runtime/agent-state.js';
import { AgentStateFile, type SavedState } from './agent-state.js';
import { proxiedFetch } from './hub-proxy.js';

export { proxiedFetch } from './hub-proxy.js';

const api = endpoints.agent;

/** The hub refused the agent for good (bad bootstrap token, revoked agent token): retrying cannot help. */
export class AgentRejectedError extends Error {
  override name = 'AgentRejectedError';
}

/** The hub did not answer or answered 5xx/429: try again later (not before `retryAfterMs` when it said). */
export class HubUnavailableError extends Error {
  override name = 'HubUnavailableError';
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

type ModelSources = { urls: Record<string, string>; credentials: ModelSourceCredential[] };

export interface HubConnectionOptions {
  hubUrl: string;
  bootstrapToken?: string;
  /** Where the agent token and unsent events are kept (survives agent restarts). */
  stateFile: string;
  provider?: { kind: string; instanceId?: string };
  /** Per-request timeout. */
  timeoutMs?: number;
  /**
   * An HTTP proxy (`http://host:port`, PODPILOT_HUB_PROXY) that every hub call goes through, e.g. tailscaled's
   * `--outbound-http-proxy-listen` when it runs with `--tun=userspace-networking`. Unset: connect directly.
   */
  proxy?: string;
}

/** Retries while the hub is unavailable (backoff with full jitter, or its Retry-After), until `signal` aborts. */
const untilAnswered = (signal: AbortSignal | undefined): RetryOptions => ({
  attempts: Number.POSITIVE_INFINITY,
  ...(signal ? { signal } : {}),
});

/** The agent's words for a failed call: unavailable (try again later), rejected (for good), or as it came. */
function hubError(error: unknown): unknown {
  if (!(error instanceof ApiCallError)) return error;
  if (error.code === 'network') {
    // fetch says only "fetch failed"; the cause says why (ENOTFOUND, ECONNREFUSED, …).
    const fetchError = error.cause as { message?: string; cause?: { code?: string; message?: string } };
    const why = fetchError?.cause?.code ?? fetchError?.cause?.message;
    return new HubUnavailableError(`hub unreachable: ${fetchError?.message}${why ? ` (${why})` : ''}`);
  }
  if (isTransientError(error))
    return new HubUnavailableError(`hub answered ${error.status}`, error.retryAfterMs);
  if (error.status < 300) return error; // an answer the schema refuses
  const path = error.path.slice(AGENT_API_PREFIX.length + 1);
  return new AgentRejectedError(`hub refused ${path}: ${error.status} ${cutToCodeUnits(error.body, 300)}`);
}

type EventInput = Omit<AgentEvent, 'id' | 'at'> & Partial<Pick<AgentEvent, 'id' | 'at'>>;

/**
 * The agent's link to the hub: registers once (then reuses its agent token, even across restarts), sends
 * heartbeats, and delivers events at least once — buffered on disk while the hub is away, resent until the
 * hub confirms them (the hub ignores duplicates by event id).
 */
export class HubConnection {
  private state: SavedState | null = null;
  private readonly file: AgentStateFile;
  private flushing: Promise<void> | null = null;
  private readonly api: ApiClient;
  private readonly closeProxy: () => Promise<void>;

  constructor(private readonly options: HubConnectionOptions) {
    this.file = new AgentStateFile(options.stateFile);
    const proxied = options.proxy ? proxiedFetch(options.proxy) : null;
    this.closeProxy = proxied?.close ?? (async () => {});
    this.api = createApiClient({
      baseUrl: options.hubUrl,
      ...(proxied ? { fetch: proxied.fetch } : {}),
      timeoutMs: options.timeoutMs ?? 15_000,
      // Every agent route but register carries the agent token.
      headers: ({ endpoint }): Record<string, string> =>
        endpoint?.auth === 'agent' ? { authorization: `Bearer ${this.requireState().agentToken}` } : {},
    });
  }

  /** Lets go of the proxy's connections (nothing to do without a proxy). */
  close(): Promise<void> {
    return this.closeProxy();
  }

  get instanceId(): string | null {
    return this.state?.instanceId ?? null;
  }

  get pendingEventCount(): number {
    return this.state?.pendingEvents.length ?? 0;
  }

  /**
   * Registers with the bootstrap token, or resumes with the saved agent token. Retries with backoff while
   * the hub is unavailable (until `signal` aborts); throws AgentRejectedError when the hub says no.
   * Returns the registration answer on first contact (it carries the profile), null when resuming.
   */
  async connect(signal?: AbortSignal): Promise<RegisterResponse | null> {
    const saved = await this.file.load();
    if (saved && saved.hubUrl === this.options.hubUrl) {
      this.state = saved;
      return null;
    }
    if (!this.options.bootstrapToken)
      throw new AgentRejectedError('PODPILOT_BOOTSTRAP_TOKEN: required for the first start');
    const answer = await this.call(api.register, {
      body: {
        bootstrapToken: this.options.bootstrapToken,
        ...AGENT_SPEAKS,
        hostname: hostname(),
        ...(this.options.provider ? { provider: this.options.provider } : {}),
      },
      retry: untilAnswered(signal),
    });
    const { instanceId, agentToken, webuiLinkKey } = answer;
    const key = webuiLinkKey ? { webuiLinkKey } : {};
    this.state = { hubUrl: this.options.hubUrl, instanceId, agentToken, ...key, pendingEvents: [] };
    await this.file.save(this.state);
    return answer;
  }

  /** One heartbeat; throws HubUnavailableError (the caller just tries again next tick). */
  async heartbeat(report: HeartbeatFacts): Promise<HeartbeatResponse> {
    return this.call(api.heartbeat, {
      body: { ...report, ...AGENT_SPEAKS, sentAt: new Date().toISOString() },
    });
  }

  /**
   * Queues an event (persisted before this resolves) and tries to deliver the queue; never throws for a hub
   * outage. The message is cut to the protocol's 4,000 characters: a longer one would block every event.
   */
  async event(input: EventInput): Promise<void> {
    const state = this.requireState();
    const event = { id: randomUUID(), at: new Date().toISOString(), ...input };
    state.pendingEvents.push({ ...event, message: cutToCodeUnits(input.message, 4000) } as AgentEvent);
    await this.file.save(state);
    await this.flushEvents().catch(() => {});
  }

  /** Sends queued events in batches; stops at the first failure (they stay queued). */
  flushEvents(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        const state = this.requireState();
        while (state.pendingEvents.length) {
          const batch = state.pendingEvents.slice(0, 200);
          await this.call(api.events, { body: { events: batch } });
          const sent = new Set(batch.map((e) => e.id));
          state.pendingEvents = state.pendingEvents.filter((e) => !sent.has(e.id));
          await this.file.save(state);
        }
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  /** This instance's profile version (asked again by an agent that resumed). Retries while the hub is away. */
  async profile(signal?: AbortSignal): Promise<AnswerOf<typeof api.profile>['profile']> {
    return (await this.call(api.profile, { retry: untilAnswered(signal) })).profile;
  }

  /**
   * Presigned download URLs for the profile's models that the library holds, by sha256, and the headers each
   * model site's own URLs need (sent to that origin only).
   */
  async modelUrls(sha256s: string[], signal?: AbortSignal): Promise<ModelSources> {
    if (!sha256s.length) return { urls: {}, credentials: [] };
    const answer = await this.call(api.modelUrls, { body: { sha256s }, retry: untilAnswered(signal) });
    return { urls: answer.urls, credentials: answer.credentials ?? [] };
  }

  /**
   * Offers a model to the library (one of the profile's, fetched and verified, or one a snapshot asked for):
   * `exists`, or the parts to upload.
   * Each promotion call retries while the hub is away; throws AgentRejectedError when the hub refuses.
   */
  startPromotion(sha256: string, sizeBytes: number, signal?: AbortSignal) {
    return this.call(api.startPromotion, {
      params: { sha256 },
      body: { sizeBytes },
      retry: untilAnswered(signal),
    });
  }

  /** Presigned PUT URLs for parts of the promotion under way. */
  async promotionParts(sha256: string, partNumbers: number[], signal?: AbortSignal) {
    const answer = await this.call(api.promotionParts, {
      params: { sha256 },
      body: { partNumbers },
      retry: untilAnswered(signal),
    });
    return answer.parts;
  }

  /** Completes the promotion: the library serves the model from storage from now on. */
  completePromotion(sha256: string, parts: UploadedPart[], signal?: AbortSignal) {
    return this.call(api.completePromotion, {
      params: { sha256 },
      body: { parts },
      retry: untilAnswered(signal),
    });
  }

  /** Where to upload these finished output files (`indexed` ones need nothing). Throws HubUnavailableError. */
  async presignOutputs(files: OutputFile[]) {
    return this.call(api.presignOutputs, { body: { files } });
  }

  /** Presigned PUT URLs for parts of one multipart output upload. Throws HubUnavailableError. */
  async outputParts(key: string, uploadId: string, partNumbers: number[]) {
    return (await this.call(api.outputParts, { body: { key, uploadId, partNumbers } })).parts;
  }

  /** The hub's own storage URLs go through the hub proxy too (they are on the hub's origin); null without one. */
  storageRoute(): ForwardRoute | null {
    return this.options.proxy
      ? { origin: new URL(this.options.hubUrl).origin, proxy: this.options.proxy }
      : null;
  }

  /** Records uploaded files in the hub's index; only then do they count as synced. Throws HubUnavailableError. */
  async confirmOutputs(files: ConfirmOutputsRequest['files']) {
    return this.call(api.confirmOutputs, { body: { files } });
  }

  /**
   * Sends what a `snapshot` command found; the hub stores it as a profile version. Retries while the hub is
   * away (the hub answers a repeated report of one command with the first result); AgentRejectedError when
   * it refuses.
   */
  async snapshot(report: SnapshotReport, signal?: AbortSignal) {
    return this.call(api.snapshot, { body: report, retry: untilAnswered(signal) });
  }

  /** Presigned download URLs for the profile's files kept in storage, by key. Retries while the hub is away. */
  async fileUrls(keys: string[], signal?: AbortSignal): Promise<Record<string, string>> {
    if (!keys.length) return {};
    return (await this.call(api.fileUrls, { body: { keys }, retry: untilAnswered(signal) })).urls;
  }

  /** Sends log lines (best effort: logs are not buffered across outages). */
  async logs(lines: LogLine[]): Promise<void> {
    if (lines.length) await this.call(api.logs, { body: { lines } });
  }

  private requireState(): SavedState {
    if (!this.state) throw new Error('HubConnection: connect() first');
    return this.state;
  }

  /** One call of an agent endpoint through the catalogue's client; failures in the agent's words. */
  private async call<E extends Endpoint>(endpoint: E, ...args: CallArgs<E>): Promise<AnswerOf<E>> {
    try {
      return await this.api.call(endpoint, ...args);
    } catch (error) {
      throw hubError(error);
    }
  }
}
