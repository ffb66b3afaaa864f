import {
  ModelKind,
  type PresignPartsResponse,
  type PromotionCompleteResponse,
  type PromotionStartResponse,
  type StartModelUploadResponse,
  type UploadedPart,
} from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { HttpError } from '../../lib/http-error.js';
import { InstanceAgentRepository } from '../../repositories/instances.repository.js';
import { SnapshotsRepository } from '../../repositories/snapshots.repository.js';
import type { ModelsService } from '../library/models.service.js';
import { ownModel } from './agent-profile.js';

/** What an instance may upload under one sha256; `sizeBytes` is null when any size goes. */
interface Uploadable {
  name: string;
  kind: ModelKind;
  file: string;
  sizeBytes: number | null;
}

/**
 * Model promotion: an agent puts a model into the library, as the owner's push does, but only one of its own
 * profile or one its snapshot asked for. 403 for any other sha256, whatever the library holds, so the answer
 * tells an agent nothing of other models.
 */
export class AgentPromotions {
  private readonly instances: InstanceAgentRepository;
  private readonly snapshotUploads: SnapshotsRepository;

  constructor(
    db: Db,
    private readonly library: ModelsService,
  ) {
    this.instances = new InstanceAgentRepository(db);
    this.snapshotUploads = new SnapshotsRepository(db);
  }

  /**
   * Starts (or resumes) putting a model into the library: a model of the instance's own profile the agent
   * fetched from its URL and verified, or one a snapshot of this instance asked for (with the size it
   * reported; 400 for another size). The library trusts the agent's hash here; every later download is
   * verified against the profile's sha256 again, so a bad upload is caught there, not spread.
   */
  async start(instanceId: string, sha256: string, sizeBytes: number): Promise<PromotionStartResponse> {
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
  async presignParts(
    instanceId: string,
    sha256: string,
    partNumbers: number[],
  ): Promise<PresignPartsResponse> {
    await this.uploadable(instanceId, sha256, 'sha256');
    return this.library.presignParts(sha256, partNumbers);
  }

  /** Completes a promotion: the model becomes `available` and later instances download it from storage. */
  async complete(
    instanceId: string,
    sha256: string,
    parts: UploadedPart[],
  ): Promise<PromotionCompleteResponse> {
    await this.uploadable(instanceId, sha256, 'sha256');
    await this.library.completeUpload(sha256, parts);
    return { sha256, status: 'available' };
  }

  /**
   * What the instance may upload under `sha256`: a model of its profile (any size) or a snapshot's grant (its
   * reported size). 403 naming `field` otherwise.
   */
  private async uploadable(instanceId: string, sha256: string, field: string): Promise<Uploadable> {
    const listed = await ownModel(this.instances, instanceId, sha256);
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
}
