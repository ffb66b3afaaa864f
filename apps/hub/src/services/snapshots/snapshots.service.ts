import {
  type CreateSnapshotRequest,
  diffProfiles,
  formatProfileIssue,
  type InstanceState,
  Profile,
  profileToYaml,
  type SnapshotReport,
  type SnapshotResult,
  type SnapshotStatus,
  type SnapshotUploadStatus,
  validateProfile,
} from '@podpilot/common';
import { type Db, isUniqueViolation } from '../../db/db.js';
import { sha256Hex } from '../../lib/crypto.js';
import { conflict, forbidden, HttpError, notFound } from '../../lib/http-error.js';
import { AgentCommandsRepository } from '../../repositories/agent-commands.repository.js';
import { InstanceAgentRepository } from '../../repositories/instances.repository.js';
import { ModelsRepository } from '../../repositories/models.repository.js';
import { ProfilesRepository } from '../../repositories/profiles.repository.js';
import { SnapshotsRepository } from '../../repositories/snapshots.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import { uploadProofKey } from '../agents/granted-uploads.js';
import { AGENT_STATES } from '../instances/lifecycle.service.js';
import { buildSnapshot } from './snapshot-build.js';
import type { PlannedUpload } from './snapshot-models.js';
import { describeChange } from './snapshot-spec.js';

/**
 * Snapshots: the owner asks an instance's agent for one (a `snapshot` command); the agent reports what it
 * found; the hub turns the report into a new version of a profile, origin `snapshot`.
 */
export class SnapshotsService {
  private readonly snapshots: SnapshotsRepository;
  private readonly commands: AgentCommandsRepository;
  private readonly instances: InstanceAgentRepository;
  private readonly profiles: ProfilesRepository;
  private readonly models: ModelsRepository;

  constructor(
    private readonly db: Db,
    private readonly storage: ObjectStorage,
  ) {
    this.snapshots = new SnapshotsRepository(db);
    this.commands = new AgentCommandsRepository(db);
    this.instances = new InstanceAgentRepository(db);
    this.profiles = new ProfilesRepository(db);
    this.models = new ModelsRepository(db);
  }

  /** Queues a `snapshot` command for the instance's agent. 404 for an unknown instance, 409 when not running. */
  async request(instanceId: string, req: CreateSnapshotRequest): Promise<{ commandId: string }> {
    const state = await this.snapshots.instanceState(instanceId);
    if (state === null) throw notFound(`instance ${instanceId}`);
    if (!AGENT_STATES.includes(state as InstanceState))
      throw conflict(
        `instance ${instanceId} is ${state}: a snapshot needs a running agent (booting, provisioning, ready or idle)`,
      );
    const commandId = await this.commands.create(
      instanceId,
      'snapshot',
      req.as === undefined ? {} : { as: req.as },
    );
    return { commandId };
  }

  /**
   * Stores the agent's report as a version of the profile the command named (the launched one by default).
   * 403 unless `report.commandId` is a snapshot command of `instanceId`. A second report for the same command
   * gets the first one's result.
   */
  async store(instanceId: string, report: SnapshotReport): Promise<SnapshotResult> {
    const command = await this.commands.byId(report.commandId);
    if (!command || command.instanceId !== instanceId || command.kind !== 'snapshot')
      throw forbidden(`commandId: ${report.commandId} is not a snapshot command of this instance`);
    const already = await this.snapshots.byCommand(report.commandId);
    if (already) return already.result;

    const launched = await this.instances.profileOf(instanceId);
    if (!launched)
      throw conflict(`instance ${instanceId} was launched from no profile: nothing to snapshot into`);
    const base = Profile.parse(launched.spec);
    const as = command.args?.as ?? launched.name;
    const warnings = [...report.warnings];
    const built = await buildSnapshot(base, as, report, warnings, this.models, this.storage);
    const checked = validateProfile(built.spec);
    if (!checked.ok) {
      const message = checked.errors.map((issue) => formatProfileIssue(issue)).join('; ');
      throw new HttpError(400, 'invalid_request', `the snapshot makes no valid profile: ${message}`);
    }
    const profile = checked.profile;
    const changes = diffProfiles(base, profile).map(describeChange);

    // A report sent twice at once (a retry after a lost answer): the first stored wins, the second gets it.
    return this.save(instanceId, as, report.commandId, profile, changes, warnings, built.uploads).catch(
      async (error: unknown) => {
        const first = isUniqueViolation(error) ? await this.snapshots.byCommand(report.commandId) : null;
        if (first) return first.result;
        throw error;
      },
    );
  }

  /** One transaction: the profile version (unless the latest has this content), the grants, the result. */
  private save(
    instanceId: string,
    as: string,
    commandId: string,
    profile: Profile,
    changes: string[],
    warnings: string[],
    planned: PlannedUpload[],
  ): Promise<SnapshotResult> {
    const canonical = profileToYaml(profile);
    const contentSha256 = sha256Hex(canonical);
    return this.db.transaction(async (tx) => {
      const row = await this.profiles.findOrCreateLocked(as, tx);
      const latest = await this.profiles.latestVersion(row.id, tx);
      const created = !(latest && latest.contentSha256 === contentSha256);
      const version = created ? (latest?.version ?? 0) + 1 : (latest?.version as number);
      if (created) {
        await this.profiles.insertVersion(
          {
            profileId: row.id,
            version,
            spec: profile,
            yaml: canonical,
            contentSha256,
            origin: 'snapshot',
            snapshotOfInstanceId: instanceId,
          },
          tx,
        );
      }
      const uploads = planned.map((u) => u.upload);
      const result: SnapshotResult = { profile: as, version, created, changes, warnings, uploads };
      await this.snapshots.grantUploads(
        instanceId,
        commandId,
        planned.map((u) => u.grant),
        tx,
      );
      await this.snapshots.insert(
        {
          instanceId,
          commandId,
          profileVersionId: await this.snapshots.versionId(row.id, version, tx),
          result,
        },
        tx,
      );
      return result;
    });
  }

  /**
   * The last stored result for the instance (of one command when `commandId` is set), with where each model
   * upload stands now (see `list`). 404 when none.
   */
  async latest(instanceId: string, commandId: string | null = null): Promise<SnapshotStatus> {
    const [last] = await this.list(instanceId, commandId, 1);
    if (!last)
      throw notFound(commandId ? `snapshot of command ${commandId}` : `snapshot of instance ${instanceId}`);
    return last;
  }

  /**
   * The instance's stored results, newest first (of one command when `commandId` is set; empty until the
   * agent reported), each with where its model uploads stand now: `available` in the library (uploaded by this
   * instance), `pending` while
   * the agent works on the command, `failed` once it finished (or stopped running) without it. 404 for an
   * unknown instance.
   */
  async list(instanceId: string, commandId: string | null, limit: number): Promise<SnapshotStatus[]> {
    const state = await this.snapshots.instanceState(instanceId);
    if (state === null) throw notFound(`instance ${instanceId}`);
    // No agent runs any more to finish what it did not upload.
    const gone = !AGENT_STATES.includes(state as InstanceState);
    const out: SnapshotStatus[] = [];
    for (const row of await this.snapshots.list(instanceId, commandId, limit)) {
      const outcome = row.commandId ? await this.commands.outcome(row.commandId) : null;
      const uploads = [];
      for (const upload of row.result.uploads ?? []) {
        // Available once this instance uploaded bytes hashing to it (its proof), not merely because the
        // library holds the model: the status must tell nothing about models the instance did not bring.
        const held =
          (await this.models.find(upload.sha256))?.status === 'available' &&
          (await this.storage.head(uploadProofKey(instanceId, upload.sha256))) !== null;
        const status: SnapshotUploadStatus = held ? 'available' : outcome || gone ? 'failed' : 'pending';
        uploads.push({ ...upload, status });
      }
      out.push({
        ...row.result,
        uploads,
        commandId: row.commandId,
        createdAt: row.createdAt.toISOString(),
        complete: uploads.every((u) => u.status !== 'pending'),
        agentMessage: outcome?.message ?? null,
      });
    }
    return out;
  }
}
