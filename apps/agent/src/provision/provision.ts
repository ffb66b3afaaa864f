import type { Profile } from '@podpilot/common';
import type { HubConnection } from '../hub/hub-connection.js';
import type { PythonOutcome } from '../python/install-item.js';
import type { PythonSettings } from '../python/settings.js';
import type { Say } from '../runtime/terminal.js';
import { type CheckoutEvent, type ProvisionCheckoutsResult, provisionCheckouts } from './checkouts.js';
import { writeProfileFiles } from './files.js';
import type { ProgressTracker } from './progress.js';
import { type ModelOutcome, provisionModels } from './provision-models.js';
import { installPython } from './python-step.js';

/** What provisioning asks of the hub: events, and presigned URLs for the library's models and files. */
export type ProvisionHub = Pick<HubConnection, 'event' | 'modelUrls' | 'fileUrls'>;

export interface ProvisionOptions {
  profile: { name: string; version: number; spec: Profile };
  workspace: string;
  /** The content-addressed model cache (`agentPaths(workspace).cacheDir`). */
  cacheDir: string;
  hub: ProvisionHub;
  /** Every item's progress, for heartbeats and the terminal. */
  progress: ProgressTracker;
  /** A line for the terminal and the hub's log (its level: info when left out). */
  say: Say;
  signal: AbortSignal;
  /** The base interpreter and image seed (default: from the agent's environment, see {@link pythonSettings}). */
  python?: PythonSettings;
}

export interface Provisioned {
  /** `<workspace>/<installDir>`: where the UI runs. */
  uiDir: string;
  /** Every model of the profile, with where it came from (those from their own URL go to the library). */
  models: ModelOutcome[];
  /** The UI's and each extension's Python packages (a failed one is a warning, not a failed provisioning). */
  python: PythonOutcome[];
}

/**
 * Everything the profile needs on disk, in order: the UI and extension checkouts, their Python packages (in
 * the workspace's overlay venv), the models, the files. Reports `provision.started`, each Python install
 * (`python.installed`, `python.failed` at warn level) and `provision.done` to the hub; throws what the first
 * failing step throws (a failed Python install is not one: the instance starts with the warning).
 */
export async function provision(options: ProvisionOptions): Promise<Provisioned> {
  const { profile, hub } = options;
  await hub.event({
    level: 'info',
    kind: 'provision.started',
    message: `provisioning ${profile.name}@${profile.version}`,
  });
  const checkouts = await fetchCheckouts(options);
  const uiDir = checkouts.uiDir;
  const python = await installPython(options, checkouts);
  const models = await fetchModels(options, uiDir);
  await writeFiles(options, uiDir);
  const fetched = models.reduce((sum, m) => sum + m.fetchedBytes, 0);
  await hub.event({
    level: 'info',
    kind: 'provision.done',
    message: 'provisioned',
    data: { fetchedBytes: fetched, python },
  });
  return { uiDir, models, python };
}

/** The UI and its extensions at their pinned commits. */
async function fetchCheckouts({
  profile,
  workspace,
  progress,
  say,
  signal,
}: ProvisionOptions): Promise<ProvisionCheckoutsResult> {
  const result = await provisionCheckouts(profile.spec, workspace, {
    signal,
    onItem: (e) => {
      progress.set(e.kind === 'ui' ? 'ui' : 'extension', e.name, {
        status: e.status === 'started' ? 'running' : e.status === 'failed' ? 'failed' : 'done',
      });
      say(checkoutLine(e), e.status === 'failed' ? 'error' : e.status === 'skipped' ? 'warn' : 'info');
    },
  });
  return result;
}

/** One checkout step as the log says it: started (from where), then how it ended. */
function checkoutLine(e: CheckoutEvent): string {
  const what = `${e.kind} ${e.name}`;
  if (e.status === 'started')
    return `${what}: git checkout of ${e.url ?? 'its repository'} at ${e.ref ?? 'its ref'}`;
  if (e.status === 'failed') return `${what}: git checkout failed: ${e.error?.message ?? 'unknown error'}`;
  return `${what}: ${e.status}${e.commit ? ` at ${e.commit.slice(0, 12)}` : ''}`;
}

/** The models, from the library when it has them (presigned URLs from the hub), else from their URL. */
async function fetchModels(options: ProvisionOptions, uiDir: string): Promise<ModelOutcome[]> {
  const { profile, hub, say, signal } = options;
  const { urls: storageUrls, credentials } = await hub.modelUrls(
    profile.spec.models.map((m) => m.sha256),
    signal,
  );
  const models = await provisionModels(profile.spec, {
    cacheDir: options.cacheDir,
    uiDir,
    storageUrls,
    credentials,
    progress: options.progress,
    signal,
    onWarning: (message) => {
      say(message, 'warn');
      void hub.event({ level: 'warn', kind: 'model.storage-corrupt', message });
    },
    onStep: say,
  });
  return models;
}

/** The profile's files: inline ones as written, storage ones through the presigned URLs the hub gives. */
async function writeFiles(
  { profile, hub, progress, say, signal }: ProvisionOptions,
  uiDir: string,
): Promise<void> {
  const fileUrls = await hub.fileUrls(
    profile.spec.files.flatMap((f) => ('storage' in f && f.storage ? [f.storage] : [])),
    signal,
  );
  const written = await writeProfileFiles(profile.spec, uiDir, (key) =>
    readStorageFile(key, fileUrls[key], signal),
  );
  for (const f of written) {
    progress.set('file', f.path, { status: 'done' });
    say(`file ${f.path}: written`);
  }
}

/** A profile file kept in storage, through the presigned URL the hub gave for its key. */
async function readStorageFile(key: string, url: string | undefined, signal: AbortSignal): Promise<Buffer> {
  if (!url) throw new Error(`files: the hub gave no download URL for ${key}`);
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`files: reading ${key} from storage failed: ${res.status} ${res.statusText}`);
  return Buffer.from(await res.arrayBuffer());
}
