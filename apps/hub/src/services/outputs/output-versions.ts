import type { OutputFile } from '@podpilot/common';
import type { PathVersions, PendingUpload } from '../../repositories/pending-outputs.repository.js';
import { stagingKey } from './output-keys.js';

/** A file of a presign batch that gets an upload: its reservation, and a multipart upload to abort first. */
export interface ReservedUpload {
  file: OutputFile;
  pending: PendingUpload;
  staleUploadId: string | null;
}

/** Per file: the version already indexed with its sha256 (nothing to send), or its reservation. */
export type VersionDecision = { indexed: number } | ReservedUpload;

/** What a presign batch decided, and the reservation rows that must be written for it. */
export interface VersionDecisions {
  decisions: VersionDecision[];
  /** New reservations, to insert with their final sizes. */
  created: PendingUpload[];
  /** Older reservations whose file size changed. */
  resized: { storageKey: string; sizeBytes: number }[];
}

const pairKey = (path: string, sha256: string) => `${sha256}:${path}`;

/**
 * Decides, in request order, which version each file of a presign batch becomes: the indexed one when the
 * latest version of its path has its sha256; the reservation of its (path, sha256) when there is one (the
 * same version and key until it is confirmed); otherwise the next version after everything indexed or
 * reserved for its path, this batch's reservations included. Pure: the caller reads and writes the rows.
 */
export function decideVersions(
  instanceId: string,
  files: readonly OutputFile[],
  versions: ReadonlyMap<string, PathVersions>,
  found: readonly PendingUpload[],
): VersionDecisions {
  const planner = new VersionPlanner(instanceId, versions, found);
  const decisions = files.map((file) => planner.decide(file));
  return { decisions, ...planner.writes() };
}

/** The decisions of one batch, with the reservations as they stand after the files decided so far. */
class VersionPlanner {
  /** Reservations by (path, sha256). */
  private readonly reserved: Map<string, PendingUpload>;
  /** The highest version reserved per path, counting this batch's reservations. */
  private readonly maxPending: Map<string, number>;
  private readonly created = new Map<string, PendingUpload>();
  private readonly resized = new Map<string, number>();

  constructor(
    private readonly instanceId: string,
    private readonly versions: ReadonlyMap<string, PathVersions>,
    found: readonly PendingUpload[],
  ) {
    this.reserved = new Map(found.map((p) => [pairKey(p.path, p.sha256), p]));
    this.maxPending = new Map([...versions].map(([path, v]) => [path, v.maxPending]));
  }

  decide(file: OutputFile): VersionDecision {
    const latest = this.versions.get(file.path)?.latest ?? null;
    if (latest?.sha256 === file.sha256) return { indexed: latest.version };
    const pending = this.reserved.get(pairKey(file.path, file.sha256));
    if (pending) return this.reuse(file, pending);
    return this.reserve(file, latest?.version ?? 0);
  }

  writes(): Omit<VersionDecisions, 'decisions'> {
    return {
      created: [...this.created.values()],
      resized: [...this.resized].map(([storageKey, sizeBytes]) => ({ storageKey, sizeBytes })),
    };
  }

  /** The file's reservation, resized (its multipart upload forgotten) when the file's size changed. */
  private reuse(file: OutputFile, pending: PendingUpload): ReservedUpload {
    if (pending.sizeBytes === file.sizeBytes) return { file, pending, staleUploadId: null };
    const now = { ...pending, sizeBytes: file.sizeBytes, uploadId: null, partSize: null };
    this.reserved.set(pairKey(file.path, file.sha256), now);
    // A reservation of this batch is inserted with its final size; an older one is updated.
    if (this.created.has(now.storageKey)) this.created.set(now.storageKey, now);
    else this.resized.set(now.storageKey, file.sizeBytes);
    return { file, pending: now, staleUploadId: pending.uploadId };
  }

  /** A new reservation of the path's next version. */
  private reserve(file: OutputFile, latestVersion: number): ReservedUpload {
    const version = Math.max(latestVersion, this.maxPending.get(file.path) ?? 0) + 1;
    const reservation: PendingUpload = {
      instanceId: this.instanceId,
      path: file.path,
      sha256: file.sha256,
      sizeBytes: file.sizeBytes,
      version,
      storageKey: stagingKey(this.instanceId),
      uploadId: null,
      partSize: null,
    };
    this.reserved.set(pairKey(file.path, file.sha256), reservation);
    this.maxPending.set(file.path, version);
    this.created.set(reservation.storageKey, reservation);
    return { file, pending: reservation, staleUploadId: null };
  }
}
