import {
  type CreateSnapshotRequest,
  diffProfiles,
  formatProfileIssue,
  type InstanceState,
  ModelKind,
  modelStorageKey,
  Profile,
  type ProfileExtension,
  type ProfileModel,
  profileToYaml,
  type SnapshotReport,
  type SnapshotResult,
  type SnapshotStatus,
  type SnapshotUpload,
  type SnapshotUploadStatus,
  UI_KINDS,
  validateProfile,
} from '@podpilot/common';
import { type Db, isUniqueViolation } from '../../db/db.js';
import { sha256Hex } from '../../lib/crypto.js';
import { conflict, forbidden, HttpError, notFound } from '../../lib/http-error.js';
import { AgentCommandsRepository } from '../../repositories/agent-commands.repository.js';
import { InstanceAgentRepository } from '../../repositories/instances.repository.js';
import { ModelsRepository } from '../../repositories/models.repository.js';
import { ProfilesRepository } from '../../repositories/profiles.repository.js';
import { SnapshotsRepository, type SnapshotUploadGrant } from '../../repositories/snapshots.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import { AGENT_STATES } from '../instances/lifecycle.service.js';
import { snapshotFiles } from './snapshot-files.js';
import { cleanRemote, describeChange, lastSegment, modelNameOf, sameRemote } from './snapshot-spec.js';

const short = (value: string) => value.slice(0, 12);

/** A model the library lacks: what the agent is told to upload, and what the hub lets it upload. */
interface PlannedUpload {
  upload: SnapshotUpload;
  grant: SnapshotUploadGrant;
}
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
    const as = typeof command.args?.as === 'string' ? command.args.as : launched.name;
    const warnings = [...report.warnings];
    const built = await this.build(base, as, report, warnings);
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
   * agent reported), each with where its model uploads stand now: `available` in the library, `pending` while
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
        const held = (await this.models.find(upload.sha256))?.status === 'available';
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

  /**
   * The profile value the report describes (validated by the caller) and the models the agent must upload;
   * appends what it could not keep to `warnings`.
   */
  private async build(
    base: Profile,
    name: string,
    report: SnapshotReport,
    warnings: string[],
  ): Promise<{ spec: unknown; uploads: PlannedUpload[] }> {
    const info = UI_KINDS[base.ui.kind];
    const warn = (message: string) => {
      if (!warnings.includes(message)) warnings.push(message);
    };

    // The UI: its commit; the remote only when it is another one than the launched (or default) repo.
    let ui = { ...base.ui };
    if (report.ui.commit === null) warn(`the UI has no commit: kept ref ${base.ui.ref}`);
    else ui = { ...ui, ref: report.ui.commit };
    if (report.ui.remote !== null) {
      const remote = cleanRemote(report.ui.remote);
      if (!sameRemote(remote, base.ui.repo ?? info.repo)) ui = { ...ui, repo: remote };
    }

    // Extensions: launched ones keep their place; new ones follow in the report's order.
    const found = new Map<string, ProfileExtension>();
    for (const checkout of report.extensions) {
      const folder = lastSegment(checkout.path);
      if (info.extensionsDir === null) {
        warn(`extension ${checkout.path} left out: ${base.ui.kind} has no extensions folder`);
        continue;
      }
      if (checkout.path !== `${info.extensionsDir}/${folder}`) {
        warn(`extension ${checkout.path} left out: not a folder of ${info.extensionsDir}/`);
        continue;
      }
      if (checkout.remote === null || checkout.commit === null) {
        warn(`extension ${folder} left out: it has no ${checkout.remote === null ? 'remote' : 'commit'}`);
        continue;
      }
      const launched = base.extensions.find((e) => e.name === folder);
      const remote = cleanRemote(checkout.remote);
      const url = launched && sameRemote(launched.url, remote) ? launched.url : remote;
      found.set(folder, { url, ref: checkout.commit, name: folder });
    }
    const extensions = [
      ...base.extensions.flatMap((e) => {
        const now = found.get(e.name);
        return now ? [now] : [];
      }),
      ...[...found.values()].filter((e) => !base.extensions.some((b) => b.name === e.name)),
    ];

    // Models, by sha256: launched entries are kept as they were; new ones come from the library's storage.
    const bySha = new Map<string, ProfileModel>();
    const uploads: PlannedUpload[] = [];
    const taken = new Set(base.models.map((m) => m.name));
    const fresh: ProfileModel[] = [];
    const dirs = Object.entries(info.modelDirs).sort(([, a], [, b]) => b.length - a.length);
    for (const model of report.models) {
      if (bySha.has(model.sha256)) continue;
      const launched = base.models.find((m) => m.sha256 === model.sha256);
      if (launched) {
        bySha.set(model.sha256, launched);
        continue;
      }
      const file = lastSegment(model.path);
      const folder = model.path.slice(0, model.path.length - file.length).replace(/\/+$/, '');
      const exact = dirs.find(([, dir]) => dir === folder);
      const inside = exact ?? dirs.find(([, dir]) => folder.startsWith(`${dir}/`));
      const kind = ModelKind.parse(inside?.[0] ?? 'other');
      if (!inside) warn(`model ${model.path} is in no model folder of ${base.ui.kind}: kept as kind other`);
      else if (!exact)
        warn(`model ${model.path} is in a subfolder: it is linked as ${info.modelDirs[kind]}/${file}`);
      const entry: ProfileModel = {
        name: modelNameOf(file, taken),
        kind,
        sha256: model.sha256,
        source: { storage: modelStorageKey(model.sha256) },
        file,
      };
      bySha.set(model.sha256, entry);
      fresh.push(entry);
      // The library lacks these bytes: the agent uploads them, so the snapshot launches anywhere.
      if ((await this.models.find(model.sha256))?.status !== 'available')
        uploads.push({
          upload: { sha256: model.sha256, path: model.path, sizeBytes: model.sizeBytes },
          grant: {
            sha256: model.sha256,
            sizeBytes: model.sizeBytes,
            name: entry.name,
            kind,
            fileName: file,
            path: model.path,
          },
        });
    }
    const models = [...base.models.filter((m) => bySha.has(m.sha256)), ...fresh];
    for (const model of base.models) {
      if (!bySha.has(model.sha256) || !('storage' in model.source)) continue;
      const held = await this.models.find(model.sha256);
      if (held?.status !== 'available')
        warn(
          `model ${model.file} (${short(model.sha256)}) is not in the library: the profile cannot fetch it`,
        );
    }

    const files = await snapshotFiles(base, report, info, this.storage, warn);

    const { description, env, args, outputs, idle } = base;
    const spec = {
      name,
      ...(description === undefined ? {} : { description }),
      ui,
      extensions,
      models,
      files,
      env,
      args,
      outputs,
      idle,
    };
    return { spec, uploads };
  }
}
