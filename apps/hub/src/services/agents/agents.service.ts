import type {
  AgentEvent,
  AgentPhase,
  FileUrlsResponse,
  HeartbeatReport,
  HeartbeatResponse,
  InstanceState,
  LogLine,
  PresignPartsResponse,
  PromotionCompleteResponse,
  PromotionStartResponse,
  RegisterRequest,
  RegisterResponse,
  UploadedPart,
} from '@podpilot/common';
import { AGENT_PROTOCOL_VERSION, PODPILOT_VERSION } from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { HttpError } from '../../lib/http-error.js';
import { AgentActivityRepository } from '../../repositories/agent-activity.repository.js';
import { AgentCommandsRepository } from '../../repositories/agent-commands.repository.js';
import {
  AgentCredentialsRepository,
  type AgentSeen,
} from '../../repositories/agent-credentials.repository.js';
import { InstanceAgentRepository } from '../../repositories/instances.repository.js';
import { WebuiLinkKeys } from '../../repositories/webui-link-keys.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import type { ModelsService } from '../library/models.service.js';
import { AgentDownloads } from './agent-downloads.js';
import { type AgentProfile, launchedProfile } from './agent-profile.js';
import { AgentPromotions } from './agent-promotions.js';
import { FactWrites } from './fact-writes.js';

export const AGENT_TOKEN_PREFIX = 'ppa_';
/** A failed instance's reason while its agent has sent neither an error event nor an error log line. */
export const AGENT_FAILED_UNSAID =
  'the agent reported a failure without saying why (no error event or error line)';
const HEARTBEAT_INTERVAL_SECONDS = 5;

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

/**
 * The hub's side of `/agent/v1`: credentials, heartbeats (facts in, commands out), events and logs; presigned
 * downloads (AgentDownloads) and model promotions (AgentPromotions) limited to the instance's own profile.
 */
/**
 * Refuses an agent that speaks another protocol version than this hub (409 naming both): its messages would be
 * misread. An agent too old to send the field speaks version 1.
 */
function assertProtocol(req: { agentVersion: string; protocolVersion?: number | undefined }): void {
  const theirs = req.protocolVersion ?? 1;
  if (theirs === AGENT_PROTOCOL_VERSION) return;
  const message = `the agent (${req.agentVersion}) speaks agent protocol ${theirs}, this hub (${PODPILOT_VERSION}) speaks ${AGENT_PROTOCOL_VERSION}: launch the images of the hub's version (tag <variant>-${PODPILOT_VERSION}) or update the hub`;
  throw new HttpError(409, 'conflict', `body.protocolVersion: ${message}`, [
    { path: 'body.protocolVersion', message },
  ]);
}

export class AgentsService {
  private readonly credentials: AgentCredentialsRepository;
  private readonly activity: AgentActivityRepository;
  private readonly commands: AgentCommandsRepository;
  private readonly instances: InstanceAgentRepository;
  private readonly downloads: AgentDownloads;
  private readonly promotions: AgentPromotions;
  private readonly linkKeys: WebuiLinkKeys;
  private readonly now: () => number;
  private readonly factWrites = new FactWrites();

  constructor(
    private readonly db: Db,
    storage: ObjectStorage,
    library: ModelsService,
    private readonly listeners: AgentListeners = {},
  ) {
    this.now = listeners.now ?? Date.now;
    this.downloads = new AgentDownloads(db, storage, library.sites);
    this.promotions = new AgentPromotions(db, library, storage);
    this.credentials = new AgentCredentialsRepository(db);
    this.activity = new AgentActivityRepository(db);
    this.commands = new AgentCommandsRepository(db);
    this.instances = new InstanceAgentRepository(db);
    this.linkKeys = new WebuiLinkKeys(db);
  }

  /**
   * Trades a bootstrap token for an agent token scoped to its instance. Single use: a second register with
   * the same bootstrap token gets 401 (a restarted agent keeps its agent token instead). The answer also
   * carries a new WebUI link key for the instance (replacing an earlier agent's).
   */
  async register(req: RegisterRequest): Promise<RegisterResponse> {
    assertProtocol(req);
    const agentToken = randomToken(AGENT_TOKEN_PREFIX);
    let webuiLinkKey = '';
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
      webuiLinkKey = (await this.linkKeys.renew(id, tx)).toString('base64');
      return id;
    });
    await this.instances.transition(instanceId, 'booting', 'agent registered');
    void this.listeners.onRegistered?.(instanceId); // not awaited: a slow Tailscale API must not hold up the agent
    return {
      instanceId,
      agentToken,
      profile: await this.profile(instanceId),
      heartbeatIntervalSeconds: HEARTBEAT_INTERVAL_SECONDS,
      webuiLinkKey,
    };
  }

  /** The profile version the instance was launched from, or null. */
  profile(instanceId: string): Promise<AgentProfile> {
    return launchedProfile(this.instances, instanceId);
  }

  /**
   * Presigned GET URLs for the library's copies of models of the instance's own profile (403 for others),
   * with the model-site credentials for those models' own URLs.
   */
  modelUrls(instanceId: string, sha256s: string[]): ReturnType<AgentDownloads['modelUrls']> {
    return this.downloads.modelUrls(instanceId, sha256s);
  }

  /** Presigned GET URLs for storage-backed files of the instance's own profile (403 unlisted, 404 missing). */
  fileUrls(instanceId: string, keys: string[]): Promise<FileUrlsResponse> {
    return this.downloads.fileUrls(instanceId, keys);
  }

  /** Starts (or resumes) a promotion of a model the instance may upload (see AgentPromotions.start). */
  startPromotion(instanceId: string, sha256: string, sizeBytes: number): Promise<PromotionStartResponse> {
    return this.promotions.start(instanceId, sha256, sizeBytes);
  }

  /** Presigned PUT URLs for parts of a promotion under way (409 when none is). */
  presignPromotionParts(
    instanceId: string,
    sha256: string,
    partNumbers: number[],
  ): Promise<PresignPartsResponse> {
    return this.promotions.presignParts(instanceId, sha256, partNumbers);
  }

  /** Completes a promotion: the model becomes `available` and later instances download it from storage. */
  completePromotion(
    instanceId: string,
    sha256: string,
    parts: UploadedPart[],
  ): Promise<PromotionCompleteResponse> {
    return this.promotions.complete(instanceId, sha256, parts);
  }

  /** The instance an agent token belongs to, with its state now, or null when unknown or revoked. */
  async authenticate(token: string): Promise<AgentSeen | null> {
    if (!token.startsWith(AGENT_TOKEN_PREFIX)) return null;
    return this.credentials.instanceOfAgentToken(sha256Hex(token));
  }

  /**
   * Stores the facts, acknowledges finished commands, moves the lifecycle, and returns pending commands.
   * `seen`: the instance as the request's authentication read it, which spares the transition's read of its
   * state and, when no command waited, the query for pending ones (one enqueued meanwhile goes with the next).
   */
  async heartbeat(instanceId: string, req: HeartbeatReport, seen?: AgentSeen): Promise<HeartbeatResponse> {
    assertProtocol(req); // a resumed agent (another image after a start) does not register again
    const { acknowledged, ...facts } = req;
    const at = this.now();
    const signature = this.factWrites.due(instanceId, facts, at);
    if (signature !== null) {
      await this.activity.saveFacts(instanceId, facts, req.agentVersion, new Date(at));
      this.factWrites.wrote(instanceId, signature, at);
    }
    if (acknowledged.length) await this.commands.acknowledge(instanceId, acknowledged);
    const state = STATE_OF_PHASE[req.phase];
    // A ready agent of an instance the hub judged idle stays idle: only the idle judgement moves it back.
    if (state)
      await this.instances.transition(
        instanceId,
        state,
        `agent reported ${req.phase}`,
        null,
        ['idle'],
        seen?.state,
      );
    if (req.phase === 'failed')
      await this.instances.transition(
        instanceId,
        'failed',
        'agent reported failure',
        (await this.activity.lastErrorMessage(instanceId)) ?? AGENT_FAILED_UNSAID,
      );
    const idle = await this.listeners.onHeartbeat?.(instanceId, req);
    return {
      commands: seen?.commandsWaiting === false ? [] : await this.commands.pending(instanceId),
      serverTime: new Date().toISOString(),
      ...(idle ? { idle } : {}),
    };
  }

  /**
   * Stores the agent's events; repeats (same agent-chosen id) are skipped. Returns how many were new. The
   * error that ended a run arriving after the heartbeat that said `failed` (it was queued while the hub was
   * away) becomes the failed instance's reason.
   */
  async addEvents(instanceId: string, events: AgentEvent[]): Promise<number> {
    const added = await this.activity.insertEvents(instanceId, events);
    const failure = events.find((e) => e.level === 'error' && e.kind === 'agent.failed');
    if (failure) await this.activity.restateFailure(instanceId, AGENT_FAILED_UNSAID, failure.message);
    return added;
  }

  /** Stores a batch of the agent's log lines; returns how many were stored. */
  async addLogs(instanceId: string, lines: LogLine[]): Promise<number> {
    return this.activity.insertLogs(instanceId, lines);
  }
}
