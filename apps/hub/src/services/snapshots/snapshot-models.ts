import {
  ModelKind,
  modelStorageKey,
  type Profile,
  type ProfileModel,
  type SnapshotReport,
  type SnapshotUpload,
  type UiKindInfo,
} from '@podpilot/common';
import type { ModelsRepository } from '../../repositories/models.repository.js';
import type { SnapshotUploadGrant } from '../../repositories/snapshots.repository.js';
import { lastSegment, modelNameOf } from './snapshot-spec.js';

/** A model new to the profile: what the agent is told to upload, and what the hub lets it upload. */
export interface PlannedUpload {
  upload: SnapshotUpload;
  grant: SnapshotUploadGrant;
}

/** Where the snapshot looks models up: the library's entries by sha256. */
export type SnapshotLibrary = Pick<ModelsRepository, 'find'>;

type ReportedModel = SnapshotReport['models'][number];

const short = (value: string) => value.slice(0, 12);

/**
 * The snapshot's models, by sha256: launched entries are kept as they were, in their place; new ones follow
 * in the report's order, fetched from the library's storage, and every one of them is planned for upload by
 * the agent — whatever the library holds, so the answer tells the agent nothing about other models. Until
 * the agent uploaded bytes hashing to it, a new model is only a claim: instances launched from the version get
 * no URL for it (agents/snapshot-provenance.ts); the upload of a model the library has is verified and
 * deduplicated (agents/granted-uploads.ts). Appends via `warn` models placed outside the kind's folders and
 * launched models the profile cannot fetch.
 */
export async function snapshotModels(
  base: Profile,
  report: SnapshotReport,
  info: UiKindInfo,
  library: SnapshotLibrary,
  warn: (message: string) => void,
): Promise<{ models: ProfileModel[]; uploads: PlannedUpload[] }> {
  const bySha = new Map<string, ProfileModel>();
  const uploads: PlannedUpload[] = [];
  const taken = new Set(base.models.map((m) => m.name));
  const fresh: ProfileModel[] = [];
  for (const model of report.models) {
    if (bySha.has(model.sha256)) continue;
    const launched = base.models.find((m) => m.sha256 === model.sha256);
    if (launched) {
      bySha.set(model.sha256, launched);
      continue;
    }
    const entry = newModel(model, base, info, taken, warn);
    bySha.set(model.sha256, entry);
    fresh.push(entry);
    uploads.push(plannedUpload(model, entry));
  }
  const models = [...base.models.filter((m) => bySha.has(m.sha256)), ...fresh];
  await warnNotInLibrary(base, bySha, library, warn);
  return { models, uploads };
}

/**
 * A profile entry for a model the launched profile lacks: its kind from the deepest model folder holding it
 * (`other` when none does), a fresh name, and the library's storage as its source.
 */
function newModel(
  model: ReportedModel,
  base: Profile,
  info: UiKindInfo,
  taken: Set<string>,
  warn: (message: string) => void,
): ProfileModel {
  const dirs = Object.entries(info.modelDirs).sort(([, a], [, b]) => b.length - a.length);
  const file = lastSegment(model.path);
  const folder = model.path.slice(0, model.path.length - file.length).replace(/\/+$/, '');
  const exact = dirs.find(([, dir]) => dir === folder);
  const inside = exact ?? dirs.find(([, dir]) => folder.startsWith(`${dir}/`));
  const kind = ModelKind.parse(inside?.[0] ?? 'other');
  if (!inside) warn(`model ${model.path} is in no model folder of ${base.ui.kind}: kept as kind other`);
  else if (!exact)
    warn(`model ${model.path} is in a subfolder: it is linked as ${info.modelDirs[kind]}/${file}`);
  return {
    name: modelNameOf(file, taken),
    kind,
    sha256: model.sha256,
    source: { storage: modelStorageKey(model.sha256) },
    file,
  };
}

/** What the agent is told to upload for a new model, and the grant that lets it. */
const plannedUpload = (model: ReportedModel, entry: ProfileModel): PlannedUpload => ({
  upload: { sha256: model.sha256, path: model.path, sizeBytes: model.sizeBytes },
  grant: {
    sha256: model.sha256,
    sizeBytes: model.sizeBytes,
    name: entry.name,
    kind: entry.kind,
    fileName: entry.file,
    path: model.path,
  },
});

/** Warns about each kept launched model the profile fetches from the library while the library lacks it. */
async function warnNotInLibrary(
  base: Profile,
  kept: ReadonlyMap<string, ProfileModel>,
  library: SnapshotLibrary,
  warn: (message: string) => void,
): Promise<void> {
  for (const model of base.models) {
    if (!kept.has(model.sha256) || !('storage' in model.source)) continue;
    const held = await library.find(model.sha256);
    if (held?.status !== 'available')
      warn(`model ${model.file} (${short(model.sha256)}) is not in the library: the profile cannot fetch it`);
  }
}
