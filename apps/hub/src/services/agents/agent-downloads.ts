import type { FileUrlsResponse, ModelSourceCredential } from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { HttpError } from '../../lib/http-error.js';
import { InstanceAgentRepository } from '../../repositories/instances.repository.js';
import { ModelsRepository } from '../../repositories/models.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import type { ModelSites } from '../library/model-sites.js';
import { launchedProfile, ownModel } from './agent-profile.js';
import { SnapshotProvenance } from './snapshot-provenance.js';

/** Long enough for a multi-GB download with retries. */
const MODEL_URL_TTL_SECONDS = 6 * 3600;

const expiresAt = () => new Date(Date.now() + MODEL_URL_TTL_SECONDS * 1000).toISOString();

/**
 * What an agent may read from storage: presigned downloads of the models and files its own profile lists,
 * and nothing else (an agent never holds storage credentials).
 */
export class AgentDownloads {
  private readonly instances: InstanceAgentRepository;
  private readonly models: ModelsRepository;
  private readonly provenance: SnapshotProvenance;

  constructor(
    db: Db,
    private readonly storage: ObjectStorage,
    /** Model-site credentials for the profile's own URLs; none without it. */
    private readonly sites?: ModelSites,
  ) {
    this.instances = new InstanceAgentRepository(db);
    this.models = new ModelsRepository(db);
    this.provenance = new SnapshotProvenance(db, this.instances, storage);
  }

  /**
   * Presigned GET URLs for models of the instance's own profile that the library holds, and the model-site
   * credentials for the origins of those models' own URLs (each only for its origin; see ModelSites). A model
   * outside the profile is refused (403): an agent reads only what its profile lists. A model its snapshot
   * version only claims (SnapshotProvenance: the snapshotted agent never uploaded it) gets no URL, as one the
   * library lacks: a snapshot cannot pull another profile's model into a version by naming its sha256.
   */
  async modelUrls(
    instanceId: string,
    sha256s: string[],
  ): Promise<{ urls: Record<string, string>; expiresAt: string; credentials: ModelSourceCredential[] }> {
    const sourceUrls: string[] = [];
    for (const sha of sha256s) {
      const listed = await ownModel(this.instances, instanceId, sha);
      if (!listed)
        throw new HttpError(403, 'forbidden', `sha256s: ${sha} is not a model of this instance's profile`);
      if ('url' in listed.source && listed.source.url) sourceUrls.push(listed.source.url);
    }
    const urls: Record<string, string> = {};
    const unproven = await this.provenance.unproven(instanceId);
    for (const sha of sha256s) {
      if (unproven.has(sha)) continue;
      const model = await this.models.find(sha);
      if (model?.status === 'available' && model.storageKey) {
        urls[sha] = await this.storage.presignGet(model.storageKey, {
          expiresInSeconds: MODEL_URL_TTL_SECONDS,
        });
      }
    }
    const credentials = (await this.sites?.credentialsFor(sourceUrls)) ?? [];
    return { urls, expiresAt: expiresAt(), credentials };
  }

  /**
   * Presigned GET URLs for storage-backed `files[]` of the instance's own profile. A key the profile does not
   * list is refused (403); a listed key with no object behind it is 404, naming the push that fixes it.
   */
  async fileUrls(instanceId: string, keys: string[]): Promise<FileUrlsResponse> {
    const profile = await launchedProfile(this.instances, instanceId);
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
    return { urls, expiresAt: expiresAt() };
  }
}
