import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentCommandArgs, Profile, SyncStatus } from '@podpilot/common';
import type { HubConnection } from '../hub/hub-connection.js';
import { OutputSync, SyncTimeoutError } from '../sync/index.js';

/** How long a `sync-now` command may take when the hub does not say. */
const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000;

/** Starts syncing the profile's output folders (relative to the UI folder) to the hub's storage. */
export async function startOutputSync(
  profile: Profile,
  uiDir: string,
  workspace: string,
  hub: HubConnection,
  onError: (message: string) => void,
  onComplete?: (rel: string) => void,
): Promise<OutputSync> {
  // Made now, so they are watched from the start: a folder that appears later is only found by a rescan.
  for (const folder of profile.outputs) await mkdir(join(uiDir, folder), { recursive: true });
  const sync = new OutputSync({
    root: uiDir,
    folders: profile.outputs,
    journalPath: join(workspace, '.podpilot', 'outputs.journal'),
    hub,
    onError,
    ...(onComplete ? { onComplete } : {}),
  });
  await sync.start();
  return sync;
}

const describe = (s: SyncStatus) =>
  `${s.syncedFiles} file(s) synced this run, backlog ${s.backlogFiles} file(s)${s.lastError ? `; last error: ${s.lastError}` : ''}`;

/**
 * Runs `sync-now` (the hub's final sync before a stop, or the owner's button): resolves with the
 * acknowledgement — ok once nothing is waiting to be uploaded, not ok when the time ran out.
 */
export async function runSyncCommand(
  sync: OutputSync | null,
  args: AgentCommandArgs<'sync-now'>,
): Promise<{ ok: boolean; message: string }> {
  if (!sync) return { ok: false, message: 'output sync has not started yet (still provisioning)' };
  const seconds = args?.timeoutSeconds;
  return finalSync(sync, seconds ? seconds * 1000 : DEFAULT_COMMAND_TIMEOUT_MS);
}

/** Uploads everything waiting, for at most `timeoutMs`; never throws. */
export async function finalSync(
  sync: OutputSync,
  timeoutMs: number,
): Promise<{ ok: boolean; message: string }> {
  try {
    const status = await sync.syncNow({ timeoutMs });
    return { ok: status.backlogFiles === 0, message: describe(status) };
  } catch (error) {
    if (error instanceof SyncTimeoutError)
      return {
        ok: false,
        message: `timed out after ${Math.round(timeoutMs / 1000)} s: ${describe(error.status)}`,
      };
    return { ok: false, message: (error as Error).message };
  }
}
