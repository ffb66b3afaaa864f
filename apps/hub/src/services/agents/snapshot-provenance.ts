import type { Db } from '../../db/db.js';
import type { InstanceAgentRepository } from '../../repositories/instances.repository.js';
import { ProfilesRepository } from '../../repositories/profiles.repository.js';
import { SnapshotsRepository } from '../../repositories/snapshots.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import { uploadProofKey } from './granted-uploads.js';

/** Snapshot results of one instance searched for the one that made a version. */
const SNAPSHOTS_SEARCHED = 1000;

/**
 * Models of the instance's profile version that no agent proved it had: the version was made by a snapshot,
 * which asked its agent to upload them, and that agent never uploaded bytes hashing to them (no
 * `uploadProofKey`). A snapshot may name any sha256 — another profile's model included — so such a model is
 * in the version only as a claim: instances launched from it get no URL for it, and may not promote it.
 * Models the snapshotted instance's own profile had, or that the owner wrote into a version, are not here.
 */
export class SnapshotProvenance {
  private readonly profiles: ProfilesRepository;
  private readonly snapshots: SnapshotsRepository;

  constructor(
    db: Db,
    private readonly instances: InstanceAgentRepository,
    private readonly storage: ObjectStorage,
  ) {
    this.profiles = new ProfilesRepository(db);
    this.snapshots = new SnapshotsRepository(db);
  }

  /** The sha256s of the instance's profile that are unproven claims (see the class). */
  async unproven(instanceId: string): Promise<Set<string>> {
    const out = new Set<string>();
    const launched = await this.instances.profileOf(instanceId);
    const profile = launched ? await this.profiles.findLive(launched.name) : null;
    if (!launched || !profile) return out;
    const version = await this.profiles.getVersion(profile.id, launched.version);
    const by = version?.origin === 'snapshot' ? version.snapshotOfInstanceId : null;
    if (!by) return out;
    const made = (await this.snapshots.list(by, null, SNAPSHOTS_SEARCHED)).find(
      (row) =>
        row.result.created && row.result.profile === launched.name && row.result.version === launched.version,
    );
    for (const upload of made?.result.uploads ?? [])
      if (!(await this.storage.head(uploadProofKey(by, upload.sha256)))) out.add(upload.sha256);
    return out;
  }
}
