import type {
  ConfirmOutputsRequest,
  ConfirmOutputsResponse,
  OutputFile,
  PresignOutputsResponse,
  PresignPartsResponse,
} from '@podpilot/common';
import type { Db } from '../../db/db.js';
import type { OutputsRepository } from '../../repositories/outputs.repository.js';
import { PendingOutputsRepository } from '../../repositories/pending-outputs.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import { OutputConfirm } from './output-confirm.js';
import type { OutputDerivations } from './output-derivations.js';
import { OutputPresign } from './output-presign.js';

export { MULTIPART_THRESHOLD_BYTES, PREFERRED_PART_SIZE } from './output-upload-rules.js';

/**
 * The agent side of the output index: plans uploads (presigned PUTs or multipart uploads scoped to the
 * instance's own prefix), signs parts (output-presign.ts), and confirms uploaded files into the index,
 * queueing their thumbnails and metadata (output-confirm.ts).
 */
export class OutputUploads {
  private readonly presigner: OutputPresign;
  private readonly confirmer: OutputConfirm;

  constructor(
    db: Db,
    storage: ObjectStorage,
    outputs: OutputsRepository,
    derivations: OutputDerivations,
    multipartThreshold: number,
    preferredPartSize: number,
  ) {
    const pending = new PendingOutputsRepository(db);
    this.presigner = new OutputPresign(db, storage, pending, multipartThreshold, preferredPartSize);
    this.confirmer = new OutputConfirm(db, storage, outputs, pending, derivations);
  }

  /** Plans the upload of each file, in request order (see OutputPresign.presign). */
  presign(instanceId: string, files: OutputFile[]): Promise<PresignOutputsResponse> {
    return this.presigner.presign(instanceId, files);
  }

  /** Presigned PUT URLs for parts of a multipart upload the hub handed out to this instance. */
  presignParts(
    instanceId: string,
    key: string,
    uploadId: string,
    partNumbers: number[],
  ): Promise<PresignPartsResponse> {
    return this.presigner.presignParts(instanceId, key, uploadId, partNumbers);
  }

  /** Records uploaded files in the index, in request order (see OutputConfirm.confirm). */
  confirm(instanceId: string, files: ConfirmOutputsRequest['files']): Promise<ConfirmOutputsResponse> {
    return this.confirmer.confirm(instanceId, files);
  }
}
