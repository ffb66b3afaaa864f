import type {
  ModelKind,
  PresignPartsResponse,
  PromotionCompleteResponse,
  PromotionStartResponse,
  StartModelUploadResponse,
  UploadedPart,
} from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { HttpError } from '../../lib/http-error.js';
import { InstanceAgentRepository } from '../../repositories/instances.repository.js';
import { SnapshotsRepository } from '../../repositories/snapshots.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import type { ModelsService } from '../library/models.service.js';
import { ownModel } from './agent-profile.js';
import { type Grant, GrantedUploads } from './granted-uploads.js';
import { SnapshotProvenance } from './snapshot-provenance.js';

/** What an instance may upload under one sha256: a model of its own profile, or a snapshot's grant. */
type Uploadable =
  | { from: 'profile'; name: string; kind: ModelKind; file: string }
  | { from: 'snapshot'; grant: Grant };

/**
 * Model promotion: an agent puts a model into the library, as the owner's push does, but only one of its own
 * profile or one its snapshot asked for. 403 for any other sha256, whatever the library holds, so the answer
 * tells an agent nothing of other models. A snapshot's models go through `GrantedUploads`: uploaded and
 * verified whatever the library holds (never `exists`), so those answers tell nothing either.
 */
export class AgentPromotions {
  private readonly instances: InstanceAgentRepository;
  private readonly snapshotUploads: SnapshotsRepository;
  private readonly granted: GrantedUploads;
  private readonly provenance: SnapshotProvenance;

  constructor(
    db: Db,
    private readonly library: ModelsService,
    /** Where granted uploads are staged and verified (the library's storage). */
    storage: ObjectStorage,
  ) {
    this.instances = new InstanceAgentRepository(db);
    this.snapshotUploads = new SnapshotsRepository(db);
    this.granted = new GrantedUploads(db, storage);
    this.provenance = new SnapshotProvenance(db, this.instances, storage);
  }

  /**
   * Starts (or resumes) putting a model into the library: a model of the instance's own profile the agent
   * fetched from its URL and verified (the library trusts the agent's hash here; every later download is
   * verified against the profile's sha256 again), or one a snapshot of this instance asked for, at the size it
   * reported (400 for another size), uploaded and verified by `GrantedUploads`.
   */
  async start(instanceId: string, sha256: string, sizeBytes: number): Promise<PromotionStartResponse> {
    const model = await this.uploadable(instanceId, sha256, 'sha256');
    if (model.from === 'snapshot') {
      if (model.grant.sizeBytes !== sizeBytes)
        throw new HttpError(
          400,
          'invalid_request',
          `sizeBytes: expected ${model.grant.sizeBytes}, the size the snapshot reported for this model`,
        );
      return this.granted.start(instanceId, model.grant);
    }
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
    // Promotions never ask for a single PUT (the agent's protocol knows multipart only).
    if (answer.status === 'put') throw new Error('the library planned a single PUT for a promotion');
    return answer.status === 'exists' ? { status: 'exists' } : answer;
  }

  /** Presigned PUT URLs for parts of a promotion under way (409 when none is). */
  async presignParts(
    instanceId: string,
    sha256: string,
    partNumbers: number[],
  ): Promise<PresignPartsResponse> {
    const model = await this.uploadable(instanceId, sha256, 'sha256');
    if (model.from === 'snapshot') return this.granted.presignParts(instanceId, sha256, partNumbers);
    return this.library.presignParts(sha256, partNumbers);
  }

  /**
   * Completes a promotion: the model becomes `available` and later instances download it from storage (a
   * snapshot's upload only once its bytes hash to the sha256: 409 otherwise).
   */
  async complete(
    instanceId: string,
    sha256: string,
    parts: UploadedPart[],
  ): Promise<PromotionCompleteResponse> {
    const model = await this.uploadable(instanceId, sha256, 'sha256');
    if (model.from === 'snapshot') return this.granted.complete(instanceId, model.grant, parts);
    await this.library.completeUpload(sha256, parts);
    return { sha256, status: 'available' };
  }

  /**
   * What the instance may upload under `sha256`: a model of its profile (any size) or a snapshot's grant (its
   * reported size). 403 naming `field` otherwise.
   */
  private async uploadable(instanceId: string, sha256: string, field: string): Promise<Uploadable> {
    const listed = await ownModel(this.instances, instanceId, sha256);
    // A model its snapshot version only claims is not the profile's (SnapshotProvenance).
    if (listed && !(await this.provenance.unproven(instanceId)).has(sha256))
      return { from: 'profile', name: listed.name, kind: listed.kind, file: listed.file };
    const grant = await this.snapshotUploads.uploadGrant(instanceId, sha256);
    if (grant) return { from: 'snapshot', grant };
    throw new HttpError(
      403,
      'forbidden',
      `${field}: ${sha256} is neither a model of this instance's profile nor one its snapshot asked for`,
    );
  }
}
