import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCommit, type Profile, UI_KINDS } from '@podpilot/common';
import { checkGitUrl, redactUrl, refuseOption, runGit } from './git.js';
import { ensureCheckout } from './git-checkout.js';

// The profile schema's folder-name rule, checked again: the name becomes a path.
const FOLDER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/** One checkout's outcome. */
export interface CheckoutItemResult {
  /** The UI kind (e.g. `comfyui`) for the UI, the folder name for an extension. */
  name: string;
  kind: 'ui' | 'extension';
  dir: string;
  /** The remote, credentials removed. */
  url: string;
  /** The ref the profile asked for (a tag, branch or commit). */
  ref: string;
  /** `skipped`: not tried (the UI failed, or the call was aborted). */
  status: 'cloned' | 'unchanged' | 'updated' | 'failed' | 'skipped';
  /** The commit checked out; for the UI this is what `ref` resolved to. */
  commit?: string;
  fetchedObjects?: number;
  error?: Error;
}

/** Progress: `started` when an item begins (with its remote and ref, for the log), then its final result. */
export type CheckoutEvent = Pick<CheckoutItemResult, 'name' | 'kind' | 'commit' | 'error'> &
  Partial<Pick<CheckoutItemResult, 'url' | 'ref'>> & {
    status: 'started' | CheckoutItemResult['status'];
  };

export interface ProvisionCheckoutsOptions {
  /** Extensions checked out at once (default 4). */
  parallel?: number;
  onItem?: (event: CheckoutEvent) => void;
  signal?: AbortSignal;
}

export interface ProvisionCheckoutsResult {
  /** `<workspace>/<installDir>`. */
  uiDir: string;
  /** The commit the UI is at (the resolved `ui.ref`). */
  uiCommit: string;
  /** The UI first, then the extensions in profile order. */
  items: CheckoutItemResult[];
}

/** Some checkouts failed; `results` holds every item (the successful ones too). */
export class ProvisionCheckoutsError extends AggregateError {
  override readonly name = 'ProvisionCheckoutsError';
  constructor(readonly results: CheckoutItemResult[]) {
    const failed = results.filter((item) => item.status === 'failed');
    const lines = failed.map(
      (item) => `${item.kind} ${item.name} (${item.url}): ${item.error?.message ?? 'failed'}`,
    );
    super(
      failed.map((item) => item.error),
      `${failed.length} of ${results.length} checkouts failed: ${lines.join('; ')}`,
    );
  }
}

/**
 * The commit `ref` names at `url`: a 40-hex commit is returned as is; otherwise one `git ls-remote`
 * looks for the tag (peeled: an annotated tag gives its commit), then the branch.
 *
 * @throws Error when the remote has no such tag or branch; GitCommandError when git fails.
 */
export async function resolveCommit(url: string, ref: string, signal?: AbortSignal): Promise<string> {
  if (isCommit(ref)) return ref;
  refuseOption('git ref', ref);
  checkGitUrl(url);
  const names = ref.startsWith('refs/')
    ? [`${ref}^{}`, ref]
    : [`refs/tags/${ref}^{}`, `refs/tags/${ref}`, `refs/heads/${ref}`];
  // The `^{}` patterns are needed: without them ls-remote leaves out the peeled line of a tag.
  const { stdout } = await runGit(['ls-remote', '--', url, ...names], { cwd: tmpdir(), url, signal });
  const found = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [sha, name] = line.split('\t');
    if (sha && name && isCommit(sha)) found.set(name, sha);
  }
  for (const name of names) {
    const sha = found.get(name);
    if (sha !== undefined) return sha;
  }
  throw new Error(
    `ref ${JSON.stringify(ref)} is not a tag or branch of ${redactUrl(url)} (git ls-remote); pin a 40-hex commit instead`,
  );
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs `task` on every item with at most `limit` at once; stops starting new ones once aborted. */
async function pool<T>(
  items: T[],
  limit: number,
  signal: AbortSignal | undefined,
  task: (item: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Checks out the profile's UI into `<workspace>/<installDir>` (resolving a tag or branch `ui.ref` to
 * its commit first, reported as `uiCommit`), then each extension into
 * `<installDir>/<extensionsDir>/<name>`, `parallel` at a time. See {@link ensureCheckout} for what
 * each checkout does (idempotent, no network when already in place, never overwrites local edits).
 *
 * One failing extension does not stop the others. If the UI fails, the extensions are `skipped`.
 *
 * @throws ProvisionCheckoutsError at the end when any item failed, naming each failed item
 *   (its `results` holds every item).
 * @throws the signal's reason when aborted (items not started are `skipped`).
 */
export async function provisionCheckouts(
  profile: Profile,
  workspace: string,
  opts: ProvisionCheckoutsOptions = {},
): Promise<ProvisionCheckoutsResult> {
  const { signal } = opts;
  const info = UI_KINDS[profile.ui.kind];
  const uiDir = join(workspace, info.installDir);
  if (profile.extensions.length > 0 && info.extensionsDir === null) {
    throw new Error(`${profile.ui.kind} has no extensions folder, but the profile lists extensions`);
  }
  const ui = job(profile.ui.kind, 'ui', uiDir, profile.ui.repo ?? info.repo, profile.ui.ref);
  const extDir = join(uiDir, info.extensionsDir ?? '');
  const extensions = profile.extensions.map((ext) =>
    job(ext.name, 'extension', join(extDir, ext.name), ext.url, ext.ref),
  );
  const run = (j: CheckoutJob) => checkoutItem(j, opts);
  await run(ui);
  if (ui.item.status !== 'failed') await pool(extensions, opts.parallel ?? 4, signal, run);
  signal?.throwIfAborted();
  const items = [ui.item, ...extensions.map((j) => j.item)];
  if (items.some((item) => item.status === 'failed')) throw new ProvisionCheckoutsError(items);
  return { uiDir, uiCommit: ui.item.commit as string, items };
}

/** An item to check out (its result filled in as it goes) and its remote with credentials. */
interface CheckoutJob {
  item: CheckoutItemResult;
  url: string;
}

function job(
  name: string,
  kind: CheckoutItemResult['kind'],
  dir: string,
  url: string,
  ref: string,
): CheckoutJob {
  return { item: { name, kind, dir, url: redactUrl(url), ref, status: 'skipped' }, url };
}

/** Checks out one item, recording its outcome on it; throws only when aborted. */
async function checkoutItem({ item, url }: CheckoutJob, { signal, onItem }: ProvisionCheckoutsOptions) {
  onItem?.({ name: item.name, kind: item.kind, status: 'started', url: item.url, ref: item.ref });
  try {
    if (item.kind === 'extension' && !FOLDER.test(item.name)) {
      throw new Error(
        `expected an extension folder name of letters, digits, ".", "_" or "-", got ${JSON.stringify(item.name)}`,
      );
    }
    const commit = await resolveCommit(url, item.ref, signal);
    item.commit = commit;
    const result = await ensureCheckout({ dir: item.dir, url, commit, ...(signal ? { signal } : {}) });
    item.status = result.status;
    if (result.fetchedObjects !== undefined) item.fetchedObjects = result.fetchedObjects;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    item.status = 'failed';
    item.error = asError(error);
  }
  onItem?.({ name: item.name, kind: item.kind, status: item.status, commit: item.commit, error: item.error });
}
