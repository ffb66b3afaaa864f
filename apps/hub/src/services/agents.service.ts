import {
  type AgentEvent,
  type AgentPhase,
  type HeartbeatReport,
  type HeartbeatResponse,
  type InstanceState,
  type LogLine,
  Profile,
  type RegisterRequest,
  type RegisterResponse,
} from '@podpilot/common';
import type { Db } from '../db/db.js';
import { randomToken, sha256Hex } from '../lib/crypto.js';
import { HttpError } from '../lib/http-error.js';
import { AgentActivityRepository } from '../repositories/agent-activity.repository.js';
import { AgentCredentialsRepository } from '../repositories/agent-credentials.repository.js';
import { InstanceAgentRepository } from '../repositories/instances.repository.js';
import { ModelsRepository } from '../repositories/models.repository.js';
import type { ObjectStorage } from '../storage/index.js';

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

/** The hub's side of `/agent/v1`: credentials, heartbeats (facts in, commands out), events and logs. */
export class AgentsService {
  private readonly credentials: AgentCredentialsRepository;
  private readonly activity: AgentActivityRepository;
  private readonly instances: InstanceAgentRepository;
  private readonly models: ModelsRepository;

  constructor(
    private readonly db: Db,
    private readonly storage: ObjectStorage,
  ) {
    this.models = new ModelsRepository(db);
    this.credentials = new AgentCredentialsRepository(db);
    this.activity = new AgentActivityRepository(db);
    this.instances = new InstanceAgentRepository(db);
  }

  /** A one-time bootstrap token for the instance's agent, valid for `ttlMs`; stored hashed. */
  async mintBootstrapToken(instanceId: string, ttlMs = 24 * 3_600_000): Promise<string> {
    const token = randomToken('ppb_');
    await this.credentials.insert({
      instanceId,
      kind: 'bootstrap',
      tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + ttlMs),
    });
    return token;
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
    const profile = await this.profile(instanceId);
    const allowed = new Set(profile?.spec.models.map((m) => m.sha256) ?? []);
    const outside = sha256s.find((sha) => !allowed.has(sha));
    if (outside)
      throw new HttpError(403, 'forbidden', `sha256s: ${outside} is not a model of this instance's profile`);
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

  /** The instance an agent token belongs to, or null when unknown or revoked. */
  async authenticate(token: string): Promise<string | null> {
    if (!token.startsWith(AGENT_TOKEN_PREFIX)) return null;
    return this.credentials.instanceOfAgentToken(sha256Hex(token));
  }

  /** Stores the facts, acknowledges finished commands, moves the lifecycle, and returns pending commands. */
  async heartbeat(instanceId: string, req: HeartbeatReport): Promise<HeartbeatResponse> {
    const { acknowledged, ...facts } = req;
    await this.activity.saveFacts(instanceId, facts, req.agentVersion);
    if (acknowledged.length) await this.activity.acknowledge(instanceId, acknowledged);
    const state = STATE_OF_PHASE[req.phase];
    if (state) await this.instances.transition(instanceId, state, `agent reported ${req.phase}`);
    if (req.phase === 'failed')
      await this.instances.transition(
        instanceId,
        'failed',
        'agent reported failure',
        'the agent failed; see its events',
      );
    return {
      commands: await this.activity.pendingCommands(instanceId),
      serverTime: new Date().toISOString(),
    };
  }

  async addEvents(instanceId: string, events: AgentEvent[]): Promise<number> {
    return this.activity.insertEvents(instanceId, events);
  }

  async addLogs(instanceId: string, lines: LogLine[]): Promise<number> {
    return this.activity.insertLogs(instanceId, lines);
  }
}
