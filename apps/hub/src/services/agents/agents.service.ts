import {
  type AgentEvent,
  type AgentPhase,
  type FileUrlsResponse,
  type HeartbeatReport,
  type HeartbeatResponse,
  type InstanceState,
  type LogLine,
  ModelKind,
  type PresignPartsResponse,
  Profile,
  type PromotionCompleteResponse,
  type PromotionStartResponse,
  type RegisterRequest,
  type RegisterResponse,
  type StartModelUploadResponse,
  type UploadedPart,
} from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { HttpError } from '../../lib/http-error.js';
import { AgentActivityRepository } from '../../repositories/agent-activity.repository.js';
import { AgentCommandsRepository } from '../../repositories/agent-commands.repository.js';
import { AgentCredentialsRepository } from '../../repositories/agent-credentials.repository.js';
import { InstanceAgentRepository } from '../../repositories/instances.repository.js';
import { ModelsRepository } from '../../repositories/models.repository.js';
import { SnapshotsRepository } from '../../repositories/snapshots.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import type { ModelsService } from '../library/models.service.js';

export const AGENT_TOKEN_PREFIX = 'ppa_';
const HEARTBEAT_INTERVAL_SECONDS = 5;
/** Long enough for a multi-GB download with retries. */
const MODEL_URL_TTL_SECONDS = 6 * 3600;

/** What each agent phase means for the instance's lifecycle state. */
const STATE_OF_PHASE: Partial<Record<AgentPhase, InstanceState>> = {
  provisioning: 'provisioning',
  starting: 'provisioning',
  ready: 'ready',
};

/** Called after each heartbeat is stored; what it returns (the idle policy) goes into the reply. */
export type HeartbeatObserver = (
  instanceId: string,
  report: HeartbeatReport,
) => Promise<HeartbeatResponse['idle']>;

/** Who the agent service tells about agents, given at construction (app.ts builds them first). */
export interface AgentListeners {
  /** Told when an agent registered (the Tailscale key is revoked then); not awaited. Must not throw. */
  onRegistered?: (instanceId: string) => Promise<void>;
  /** Idle judgement of every heartbeat; what it returns (the idle policy) goes into the reply. */
  onHeartbeat?: HeartbeatObserver;
  /** The clock (tests move it by hand). */
  now?: () => number;
}

/** The hub's side of `/agent/v1`: credentials, heartbeats (facts in, commands out), events and logs. */
export class AgentsService {
  private readonly credentials: AgentCredentialsRepository;
  private readonly activity: AgentActivityRepository;
  private readonly commands: AgentCommandsRepository;
  private readonly instances: InstanceAgentRepository;
  private readonly models: ModelsRepository;
  private readonly snapshotUploads: SnapshotsRepository;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly storage: ObjectStorage,
    private readonly library: ModelsService,
    private readonly listeners: AgentListeners = {},
  ) {
    this.now = listeners.now ?? Date.now;
    this.models = new ModelsRepository(db);
    this.snapshotUploads = new SnapshotsRepository(db);
    this.credentials = new AgentCredentialsRepository(db);
    this.activity = new AgentActivityRepository(db);
    this.commands = new AgentCommandsRepository(db);
    this.instances = new InstanceAgentRepository(db);
  }

  /**
   * Trades a bootstrap token for an agent token scoped to its instance. Single use: a second register with
   * the same bootstrap token gets 401 (a restarted agent keeps its agent token instead).
   */
  async register(req: RegisterRequest): Promise<RegisterResponse> {
    const agentToken = randomToken(AGENT_TOKEN_PREFIX);
    const instanceId = await this.db.transaction(async (tx) => {
      const id = await this.credentials.consumeBootstrap(sha256Hex(req.bootstrapToken), tx);
      if (!id) throw new HttpError(401, 'unauthorized', 'bootstrapToken: unknown, expired or already used');
      await this.credentials.insert(
        {
          instanceId: id,
          kind: 'agent',
          tokenHash: sha256Hex(agentToken),
          expiresAt: null,
          agentVersion: req.agentVersion,
        },
        tx,
      );
      return id;
    });
    await this.instances.transition(instanceId, 'booting', 'agent registered');
    void this.listeners.onRegistered?.(instanceId); // not awaited: a slow Tailscale API must not hold up the agent
    return {
      instanceId,
      agentToken,
      profile: await this.profile(instanceId),
      heartbeatIntervalSeconds: HEARTBEAT_INTERVAL_SECONDS,
    };
  }

  /** The profile version the instance was launched from, or null. */
  async profile(instanceId: string): Promise<RegisterResponse['profile']> {
    const profile = await this.instances.profileOf(instanceId);
    return profile
      ? { name: profile.name, version: profile.version, spec: Profile.parse(profile.spec) }
      : null;
  }

  /**
   * Presigned GET URLs for models of the instance's own profile that the library holds. A model outside the
   * profile is refused (403): an agent reads only what its profile lists.
   */
  async modelUrls(
    instanceId: string,
    sha256s: string[],
  ): Promise<{ urls: Record<string, string>; expiresAt: string }> {
    for (const sha of sha256s) await this.profileModel(instanceId, sha, 'sha256s');
    const urls: Record<string, string> = {};
    for (const sha of sha256s) {
      const model = await this.models.find(sha);
      if (model?.status === 'available' && model.storageKey) {
        urls[sha] = await this.storage.presignGet(model.storageKey, {
          expiresInSeconds: MODEL_URL_TTL_SECONDS,
        });
      }
    }
    return { urls, expiresAt: new Date(Date.now() + MODEL_URL_TTL_SECONDS * 1000).toISOString() };
  }

  /**
   * Starts (or resumes) putting a model into the library, as the owner's push does: a model of the instance's
   * own profile the agent fetched from its URL and verified, or one a snapshot of this instance asked for
   * (with the size it reported). 403 for any other sha256, whatever the library holds, so the answer tells an
   * agent nothing of other models. The library trusts the agent's hash here; every later download is verified
   * against the profile's sha256 again, so a bad upload is caught there, not spread.
   */
  async startPromotion(
    instanceId: string,
    sha256: string,
    sizeBytes: number,
  ): Promise<PromotionStartResponse> {
    const model = await this.uploadable(instanceId, sha256, 'sha256');
    if (model.sizeBytes !== null && model.sizeBytes !== sizeBytes)
      throw new HttpError(
        400,
        'invalid_request',
        `sizeBytes: expected ${model.sizeBytes}, the size the snapshot reported for this model`,
      );
    let answer: StartModelUploadResponse;
    try {
      answer = await this.library.startUpload({
        sha256,
        sizeBytes,
        name: model.name,
        kind: model.kind,
        fileName: model.file,
      });
    } catch (error) {
      // The library's own message may describe its entry (its kind); the agent learns only that it must wait.
      if (error instanceof HttpError && error.statusCode === 409)
        throw new HttpError(409, 'conflict', 'sha256: the library cannot take these bytes now');
      throw error;
    }
    return answer.status === 'exists' ? { status: 'exists' } : answer;
  }

  /** Presigned PUT URLs for parts of a promotion under way (409 when none is). */
  async presignPromotionParts(
    instanceId: string,
    sha256: string,
    partNumbers: number[],
  ): Promise<PresignPartsResponse> {
    await this.uploadable(instanceId, sha256, 'sha256');
    return this.library.presignParts(sha256, partNumbers);
  }

  /** Completes a promotion: the model becomes `available` and later instances download it from storage. */
  async completePromotion(
    instanceId: string,
    sha256: string,
    parts: UploadedPart[],
  ): Promise<PromotionCompleteResponse> {
    await this.uploadable(instanceId, sha256, 'sha256');
    await this.library.completeUpload(sha256, parts);
    return { sha256, status: 'available' };
  }

  /** The profile's entry for the model; 403 naming `field` when the instance's profile does not list it. */
  private async profileModel(instanceId: string, sha256: string, field: string) {
    const model = await this.ownModel(instanceId, sha256);
    if (!model)
      throw new HttpError(403, 'forbidden', `${field}: ${sha256} is not a model of this instance's profile`);
    return model;
  }

  /** The entry of the instance's own profile for `sha256`, if it lists one. */
  private async ownModel(instanceId: string, sha256: string) {
    return (await this.profile(instanceId))?.spec.models.find((m) => m.sha256 === sha256);
  }

  /**
   * What the instance may upload under `sha256`: a model of its profile (any size) or a snapshot's grant (its
   * reported size). 403 naming `field` otherwise.
   */
  private async uploadable(
    instanceId: string,
    sha256: string,
    field: string,
  ): Promise<{ name: string; kind: ModelKind; file: string; sizeBytes: number | null }> {
    const listed = await this.ownModel(instanceId, sha256);
    if (listed) return { name: listed.name, kind: listed.kind, file: listed.file, sizeBytes: null };
    const grant = await this.snapshotUploads.uploadGrant(instanceId, sha256);
    if (grant)
      return {
        name: grant.name,
        kind: ModelKind.parse(grant.kind),
        file: grant.fileName,
        sizeBytes: grant.sizeBytes,
      };
    throw new HttpError(
      403,
      'forbidden',
      `${field}: ${sha256} is neither a model of this instance's profile nor one its snapshot asked for`,
    );
  }

  /** The instance an agent token belongs to, or null when unknown or revoked. */
  async authenticate(token: string): Promise<string | null> {
    if (!token.startsWith(AGENT_TOKEN_PREFIX)) return null;
    return this.credentials.instanceOfAgentToken(sha256Hex(token));
  }

  /** Stores the facts, acknowledges finished commands, moves the lifecycle, and returns pending commands. */
  async heartbeat(instanceId: string, req: HeartbeatReport): Promise<HeartbeatResponse> {
    const { acknowledged, ...facts } = req;
    await this.activity.saveFacts(instanceId, facts, req.agentVersion, new Date(this.now()));
    if (acknowledged.length) await this.commands.acknowledge(instanceId, acknowledged);
    const state = STATE_OF_PHASE[req.phase];
    // A ready agent of an instance the hub judged idle stays idle: only the idle judgement moves it back.
    if (state)
      await this.instances.transition(instanceId, state, `agent reported ${req.phase}`, null, ['idle']);
    if (req.phase === 'failed')
      await this.instances.transition(
        instanceId,
        'failed',
        'agent reported failure',
        'the agent failed; see its events',
      );
    const idle = await this.listeners.onHeartbeat?.(instanceId, req);
    return {
      commands: await this.commands.pending(instanceId),
      serverTime: new Date().toISOString(),
      ...(idle ? { idle } : {}),
    };
  }

  async addEvents(instanceId: string, events: AgentEvent[]): Promise<number> {
    return this.activity.insertEvents(instanceId, events);
  }

  async addLogs(instanceId: string, lines: LogLine[]): Promise<number> {
    return this.activity.insertLogs(instanceId, lines);
  }

  /**
   * Presigned GET URLs for storage-backed `files[]` of the instance's own profile. A key the profile does not
   * list is refused (403); a listed key with no object behind it is 404, naming the push that fixes it.
   */
  async fileUrls(instanceId: string, keys: string[]): Promise<FileUrlsResponse> {
    const profile = await this.profile(instanceId);
    const listed = new Set(profile?.spec.files.flatMap((f) => ('storage' in f ? [f.storage] : [])));
    const outside = keys.find((key) => !listed.has(key));
    if (outside)
      throw new HttpError(403, 'forbidden', `keys: ${outside} is not a file of this instance's profile`);
    const wanted = [...new Set(keys)];
    const stored = await Promise.all(wanted.map((key) => this.storage.head(key)));
    const missing = wanted.find((_, i) => !stored[i]);
    if (missing)
      throw new HttpError(
        404,
        'not_found',
        `keys: ${missing} is not in storage; upload it with podpilot files push`,
      );
    const urls: Record<string, string> = {};
    for (const key of wanted)
      urls[key] = await this.storage.presignGet(key, { expiresInSeconds: MODEL_URL_TTL_SECONDS });
    return { urls, expiresAt: new Date(Date.now() + MODEL_URL_TTL_SECONDS * 1000).toISOString() };
  }
}
