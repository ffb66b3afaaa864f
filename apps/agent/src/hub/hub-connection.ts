import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  AcceptedResponse,
  AGENT_API_PREFIX,
  type AgentEvent,
  AgentProfileResponse,
  type ConfirmOutputsRequest,
  ConfirmOutputsResponse,
  FileUrlsResponse,
  type HeartbeatRequest,
  HeartbeatResponse,
  type LogLine,
  ModelUrlsResponse,
  type OutputFile,
  PODPILOT_VERSION,
  PresignOutputsResponse,
  PresignPartsResponse,
  PromotionCompleteResponse,
  PromotionStartResponse,
  RegisterResponse,
  type SnapshotReport,
  SnapshotResult,
  type UploadedPart,
} from '@podpilot/common';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import type { z } from 'zod';
import { AgentStateFile, type SavedState } from './agent-state.js';
import { backoffMs, sleep } from './backoff.js';

/** The hub refused the agent for good (bad bootstrap token, revoked agent token): retrying cannot help. */
export class AgentRejectedError extends Error {
  override name = 'AgentRejectedError';
}

/** The hub did not answer or answered 5xx/429: try again later. */
export class HubUnavailableError extends Error {
  override name = 'HubUnavailableError';
}

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

/** The part of a fetch answer the hub connection reads. */
interface HubAnswer {
  status: number;
  ok: boolean;
  text(): Promise<string>;
}

interface HubRequestInit {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
}

/** How one hub call is sent: Node's fetch directly, or undici's fetch through a proxy. */
type HubFetch = (url: string, init: HubRequestInit) => Promise<HubAnswer>;

/**
 * A fetch whose every request goes through the HTTP proxy at `proxyUrl`. An `http://` hub is asked in
 * absolute form (`GET http://hub:7300/… HTTP/1.1` to the proxy, plain forwarding); an `https://` hub through
 * a CONNECT tunnel. tailscaled's HTTP proxy does both. undici's own fetch is used with its ProxyAgent so the
 * dispatcher always matches the fetch (Node 20 bundles undici 6; the agent depends on undici 7).
 */
export function proxiedFetch(proxyUrl: string): { fetch: HubFetch; close: () => Promise<void> } {
  const dispatcher = new ProxyAgent({ uri: proxyUrl, proxyTunnel: false });
  return {
    fetch: (url, init) => undiciFetch(url, { ...init, dispatcher }),
    close: () => dispatcher.close(),
  };
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
  private readonly send: HubFetch;
  private readonly closeProxy: () => Promise<void>;

  constructor(private readonly options: HubConnectionOptions) {
    this.file = new AgentStateFile(options.stateFile);
    if (options.proxy) {
      const proxied = proxiedFetch(options.proxy);
      this.send = proxied.fetch;
      this.closeProxy = proxied.close;
    } else {
      this.send = (url, init) => fetch(url, init);
      this.closeProxy = async () => {};
    }
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
  async connect(signal?: AbortSignal): Promise<z.infer<typeof RegisterResponse> | null> {
    const saved = await this.file.load();
    if (saved && saved.hubUrl === this.options.hubUrl) {
      this.state = saved;
      return null;
    }
    if (!this.options.bootstrapToken)
      throw new AgentRejectedError('PODPILOT_BOOTSTRAP_TOKEN: required for the first start');
    const answer = await this.withRetry(signal, () =>
      this.post(
        'register',
        RegisterResponse,
        {
          bootstrapToken: this.options.bootstrapToken,
          agentVersion: PODPILOT_VERSION,
          hostname: hostname(),
          ...(this.options.provider ? { provider: this.options.provider } : {}),
        },
        false,
      ),
    );
    this.state = {
      hubUrl: this.options.hubUrl,
      instanceId: answer.instanceId,
      agentToken: answer.agentToken,
      pendingEvents: [],
    };
    await this.file.save(this.state);
    return answer;
  }

  /** One heartbeat; throws HubUnavailableError (the caller just tries again next tick). */
  async heartbeat(
    report: Omit<HeartbeatRequest, 'agentVersion' | 'sentAt'>,
  ): Promise<z.infer<typeof HeartbeatResponse>> {
    return this.post('heartbeat', HeartbeatResponse, {
      ...report,
      agentVersion: PODPILOT_VERSION,
      sentAt: new Date().toISOString(),
    });
  }

  /** Queues an event (persisted before this resolves) and tries to deliver the queue. Never throws for a hub outage. */
  async event(input: EventInput): Promise<void> {
    const state = this.requireState();
    state.pendingEvents.push({
      id: input.id ?? randomUUID(),
      at: input.at ?? new Date().toISOString(),
      ...input,
    } as AgentEvent);
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
          await this.post('events', AcceptedResponse, { events: batch });
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
  async profile(signal?: AbortSignal): Promise<z.infer<typeof AgentProfileResponse>['profile']> {
    return (await this.withRetry(signal, () => this.request('GET', 'profile', AgentProfileResponse))).profile;
  }

  /** Presigned download URLs for the profile's models that the library holds, by sha256. */
  async modelUrls(sha256s: string[], signal?: AbortSignal): Promise<Record<string, string>> {
    if (!sha256s.length) return {};
    return (await this.withRetry(signal, () => this.post('models/urls', ModelUrlsResponse, { sha256s })))
      .urls;
  }

  /**
   * Offers a model to the library (one of the profile's, fetched and verified, or one a snapshot asked for):
   * `exists`, or the parts to upload.
   * Each promotion call retries while the hub is away; throws AgentRejectedError when the hub refuses.
   */
  startPromotion(sha256: string, sizeBytes: number, signal?: AbortSignal) {
    return this.withRetry(signal, () =>
      this.post(`models/${sha256}/promotion`, PromotionStartResponse, { sizeBytes }),
    );
  }

  /** Presigned PUT URLs for parts of the promotion under way. */
  async promotionParts(sha256: string, partNumbers: number[], signal?: AbortSignal) {
    const answer = await this.withRetry(signal, () =>
      this.post(`models/${sha256}/promotion/parts`, PresignPartsResponse, { partNumbers }),
    );
    return answer.parts;
  }

  /** Completes the promotion: the library serves the model from storage from now on. */
  completePromotion(sha256: string, parts: UploadedPart[], signal?: AbortSignal) {
    return this.withRetry(signal, () =>
      this.post(`models/${sha256}/promotion/complete`, PromotionCompleteResponse, { parts }),
    );
  }

  /** Where to upload these finished output files (`indexed` ones need nothing). Throws HubUnavailableError. */
  async presignOutputs(files: OutputFile[]) {
    return this.post('outputs/presign', PresignOutputsResponse, { files });
  }

  /** Presigned PUT URLs for parts of one multipart output upload. Throws HubUnavailableError. */
  async outputParts(key: string, uploadId: string, partNumbers: number[]) {
    return (await this.post('outputs/parts', PresignPartsResponse, { key, uploadId, partNumbers })).parts;
  }

  /** Records uploaded files in the hub's index; only then do they count as synced. Throws HubUnavailableError. */
  async confirmOutputs(files: ConfirmOutputsRequest['files']) {
    return this.post('outputs/confirm', ConfirmOutputsResponse, { files });
  }

  /**
   * Sends what a `snapshot` command found; the hub stores it as a profile version. Retries while the hub is
   * away (the hub answers a repeated report of one command with the first result); AgentRejectedError when
   * it refuses.
   */
  async snapshot(report: SnapshotReport, signal?: AbortSignal) {
    return this.withRetry(signal, () => this.post('snapshot', SnapshotResult, report));
  }

  /** Presigned download URLs for the profile's files kept in storage, by key. Retries while the hub is away. */
  async fileUrls(keys: string[], signal?: AbortSignal): Promise<Record<string, string>> {
    if (!keys.length) return {};
    return (await this.withRetry(signal, () => this.post('files/urls', FileUrlsResponse, { keys }))).urls;
  }

  /** Sends log lines (best effort: logs are not buffered across outages). */
  async logs(lines: LogLine[]): Promise<void> {
    if (lines.length) await this.post('logs', AcceptedResponse, { lines });
  }

  private requireState(): SavedState {
    if (!this.state) throw new Error('HubConnection: connect() first');
    return this.state;
  }

  private async withRetry<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof HubUnavailableError)) throw error;
        await sleep(backoffMs(attempt), signal);
      }
    }
  }

  private post<S extends z.ZodType>(
    path: string,
    schema: S,
    body: unknown,
    auth = true,
  ): Promise<z.infer<S>> {
    return this.request('POST', path, schema, body, auth);
  }

  private async request<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
    auth = true,
  ): Promise<z.infer<S>> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (auth) headers.authorization = `Bearer ${this.requireState().agentToken}`;
    let res: HubAnswer;
    try {
      res = await this.send(`${this.options.hubUrl}${AGENT_API_PREFIX}/${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      // fetch says only "fetch failed"; the cause says why (ENOTFOUND, ECONNREFUSED, …).
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message;
      throw new HubUnavailableError(`hub unreachable: ${(error as Error).message}${why ? ` (${why})` : ''}`);
    }
    const text = await res.text();
    if (res.status === 429 || res.status >= 500) throw new HubUnavailableError(`hub answered ${res.status}`);
    if (!res.ok) throw new AgentRejectedError(`hub refused ${path}: ${res.status} ${text.slice(0, 300)}`);
    return schema.parse(JSON.parse(text));
  }
}
