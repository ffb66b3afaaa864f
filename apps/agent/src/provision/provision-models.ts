import { link, lstat, mkdir, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type LogLevel, type ModelSourceCredential, type Profile, UI_KINDS } from '@podpilot/common';
import { fetchModel, HashMismatchError, sourceWithCredentials } from '../download/index.js';
import type { ProgressTracker } from './progress.js';

export interface ProvisionModelsOptions {
  cacheDir: string;
  uiDir: string;
  /** Presigned URLs for models the library holds, by sha256 (from the hub). */
  storageUrls: Record<string, string>;
  /** Model-site credentials from the hub, each sent only to its own origin (models' own URLs only). */
  credentials?: readonly ModelSourceCredential[];
  progress: ProgressTracker;
  /** Models fetched at once (each with its own parallel range requests). */
  parallel?: number;
  signal?: AbortSignal;
  /** Something the owner should hear about that did not stop provisioning. */
  onWarning?: (message: string) => void;
  /** Each model's start, end and failure, as a line for the log (level: info when left out). */
  onStep?: (line: string, level?: LogLevel) => void;
}

export interface ModelOutcome {
  name: string;
  sha256: string;
  /** `cache`: already verified on disk, no network. */
  from: 'cache' | 'storage' | 'url';
  fetchedBytes: number;
  sizeBytes: number;
  /** The model's file in the UI's folder. */
  path: string;
  /** The verified file in the content-addressed cache. */
  cachePath: string;
}

type ProfileModel = Profile['models'][number];

/**
 * Puts every model of the profile in the UI's folder for its kind: fetched once into the content-addressed
 * cache (verified by sha256), then hard-linked (symlinked across file systems) into `<uiDir>/<folder>/<file>`,
 * so UIs and profiles share one copy. Idempotent: a cached, linked model costs two stat calls.
 * Prefers the library's copy (presigned URL) over the model's own URL.
 */
export async function provisionModels(
  profile: Profile,
  opts: ProvisionModelsOptions,
): Promise<ModelOutcome[]> {
  const folders = UI_KINDS[profile.ui.kind].modelDirs;
  const queue = [...profile.models];
  const outcomes: ModelOutcome[] = [];
  const worker = async () => {
    for (let model = queue.shift(); model; model = queue.shift()) {
      const fetched = await logged(model, opts, () => fetchFromBest(model, opts));
      const target = join(opts.uiDir, folders[model.kind], model.file);
      await linkInto(fetched.result.path, target);
      const { sizeBytes } = fetched.result;
      opts.progress.set('model', model.name, { status: 'done', doneBytes: sizeBytes, totalBytes: sizeBytes });
      outcomes.push({
        name: model.name,
        sha256: model.sha256,
        from: fetched.result.cached ? 'cache' : fetched.from,
        fetchedBytes: fetched.result.fetchedBytes,
        sizeBytes,
        path: target,
        cachePath: fetched.result.path,
      });
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(opts.parallel ?? 2, Math.max(profile.models.length, 1)) }, worker),
  );
  return outcomes;
}

/** Says when a model's fetch starts, how it ended (from where, how much) and why it failed. */
async function logged<T extends Awaited<ReturnType<typeof fetchFromBest>>>(
  model: ProfileModel,
  opts: ProvisionModelsOptions,
  fetch: () => Promise<T>,
): Promise<T> {
  const own = 'url' in model.source ? model.source.url : undefined;
  const from = opts.storageUrls[model.sha256] ? 'the library' : own ? hostOf(own) : 'nowhere';
  opts.onStep?.(`model ${model.name}: fetching ${model.file} from ${from}`);
  try {
    const fetched = await fetch();
    const { cached, fetchedBytes } = fetched.result;
    const how = cached ? 'already in the cache' : `fetched ${mib(fetchedBytes)} from ${fetched.from}`;
    opts.onStep?.(`model ${model.name}: ${how}, sha256 verified`);
    return fetched;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = `model ${model.name}:`;
    opts.onStep?.(message.startsWith(prefix) ? message : `${prefix} ${message}`, 'error');
    throw error;
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The host of a model's own URL (never its path or query: they may carry a token). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'its URL';
  }
}

/** Fetches one model into the cache from the library's copy when there is one, else from its own URL. */
async function fetchFromBest(
  model: ProfileModel,
  opts: ProvisionModelsOptions,
): Promise<{ result: Awaited<ReturnType<typeof fetchModel>>; from: 'storage' | 'url' }> {
  const ownUrl = 'url' in model.source ? model.source.url : undefined;
  const fromStorage = opts.storageUrls[model.sha256];
  if (!fromStorage && !ownUrl)
    throw new Error(`model ${model.name}: it is not in the library yet and has no URL to fetch it from`);
  opts.progress.set('model', model.name, { status: 'running' });
  const fetchFrom = (url: string) =>
    fetchModel({
      cacheDir: opts.cacheDir,
      sha256: model.sha256,
      name: model.name,
      source: url === ownUrl ? sourceWithCredentials(url, opts.credentials) : { url },
      signal: opts.signal,
      onProgress: (p) =>
        opts.progress.set('model', model.name, {
          doneBytes: p.doneBytes,
          totalBytes: p.totalBytes,
          bytesPerSecond: p.bytesPerSecond,
        }),
    });
  if (!fromStorage) return { result: await fetchFrom(ownUrl as string), from: 'url' };
  try {
    return { result: await fetchFrom(fromStorage), from: 'storage' };
  } catch (error) {
    // The library's copy is not what the profile pins (a bad promotion): the model's own URL still is.
    if (!(ownUrl && error instanceof HashMismatchError)) throw error;
    opts.onWarning?.(
      `model ${model.name}: the library's copy is corrupt (${error.message}); fetching from its URL`,
    );
    return { result: await fetchFrom(ownUrl), from: 'url' };
  }
}

/** Makes `target` the same file as `source`: a hard link, or a symlink when they are on different devices. */
async function linkInto(source: string, target: string): Promise<void> {
  const [src, existing] = await Promise.all([stat(source), lstat(target).catch(() => null)]);
  if (existing?.isFile() && existing.ino === src.ino && existing.dev === src.dev) return;
  if (existing?.isSymbolicLink() && (await stat(target).catch(() => null))?.ino === src.ino) return;
  await mkdir(dirname(target), { recursive: true });
  if (existing) await rm(target, { force: true });
  try {
    await link(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await symlink(source, target);
  }
}
