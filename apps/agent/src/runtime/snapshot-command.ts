import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type AgentCommandOf, cutToCodeUnits, type SnapshotResult, type UiKind } from '@podpilot/common';
import type { HubConnection } from '../hub/hub-connection.js';
import { type PromotionOutcome, promoteModels } from '../provision/promote-models.js';
import { collectSnapshot } from '../snapshot/collect.js';
import type { Say } from './terminal.js';

/** What a snapshot needs to know of the provisioned instance; null while it is still provisioning. */
export interface SnapshotContext {
  uiDir: string;
  uiKind: UiKind;
  cacheDir: string;
  /** The profile's `files[].path`, relative to the UI folder. */
  profileFiles: string[];
  /** Where model hashes are remembered between snapshots. */
  hashMemo?: string;
}

const MIB = 1024 * 1024;
/** How often hashing progress is logged. */
const PROGRESS_EVERY_MS = 5_000;

/**
 * Uploads the models the hub asked for (found on disk, not in the library) through the promotion routes, one
 * at a time, resuming what an earlier attempt stored. A file whose size changed since it was hashed is not
 * sent: its bytes are no longer the ones the snapshot names.
 */
async function uploadModels(
  hub: HubConnection,
  uiDir: string,
  uploads: SnapshotResult['uploads'],
  say: Say,
  signal?: AbortSignal,
): Promise<PromotionOutcome[]> {
  const outcomes: PromotionOutcome[] = [];
  for (const upload of uploads) {
    const path = join(uiDir, upload.path);
    const now = await stat(path).catch(() => null);
    if (now?.size !== upload.sizeBytes) {
      const error = now ? 'it changed after it was hashed' : 'it is gone';
      outcomes.push({ name: upload.path, sha256: upload.sha256, status: 'failed', error });
      continue;
    }
    say(`snapshot: uploading ${upload.path} (${(upload.sizeBytes / MIB).toFixed(1)} MiB) to the library`);
    const [outcome] = await promoteModels(
      hub,
      [{ name: upload.path, sha256: upload.sha256, path, sizeBytes: upload.sizeBytes }],
      signal,
    );
    if (outcome) outcomes.push(outcome);
  }
  return outcomes;
}

/**
 * Runs the `snapshot` command: collects the checkouts, models and files on this instance and sends them to
 * the hub, which stores a profile version; then uploads the models the library lacked. Resolves with the
 * acknowledgement (not ok when an upload failed, naming it); never throws.
 */
export async function runSnapshotCommand(
  hub: HubConnection,
  command: AgentCommandOf<'snapshot'>,
  context: SnapshotContext | null,
  say: Say,
  signal?: AbortSignal,
): Promise<{ ok: boolean; message: string }> {
  if (!context)
    return { ok: false, message: 'the instance is still provisioning: snapshot it once it is ready' };
  try {
    let lastSaid = 0;
    const report = await collectSnapshot({
      ...context,
      commandId: command.id,
      ...(signal ? { signal } : {}),
      onProgress: (done, total, path) => {
        // A line every few seconds while large unknown models are hashed, and one at the end.
        const now = Date.now();
        if (done < total && now - lastSaid < PROGRESS_EVERY_MS) return;
        lastSaid = now;
        const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
        say(
          `snapshot: hashing models ${(done / MIB).toFixed(0)} of ${(total / MIB).toFixed(0)} MiB (${percent} %)${
            done < total ? `, now ${path}` : ''
          }`,
        );
      },
    });
    const result = await hub.snapshot(report, signal);
    let message = `${result.profile}@${result.version}${result.created ? '' : ' (unchanged)'}: ${
      result.changes.length ? result.changes.join('; ') : 'no changes'
    }${result.warnings.length ? ` — warnings: ${result.warnings.join('; ')}` : ''}`;
    say(`snapshot: ${message}`);
    const outcomes = await uploadModels(hub, context.uiDir, result.uploads, say, signal);
    const failed = outcomes.filter((o) => o.status === 'failed');
    const sent = outcomes.filter((o) => o.status !== 'failed').length;
    if (outcomes.length > 0) {
      const failures = failed.map((o) => `${o.name}: ${o.status === 'failed' ? o.error : ''}`).join('; ');
      const line = failed.length
        ? `${failed.length} of ${outcomes.length} model upload(s) failed (${failures})`
        : `${sent} model(s) uploaded to the library`;
      say(`snapshot: ${line}`, failed.length ? 'warn' : 'info');
      // The failures first: the acknowledgement is cut at 2,000 characters.
      message = failed.length ? `${line} — ${message}` : `${message} — ${line}`;
    }
    return { ok: failed.length === 0, message: cutToCodeUnits(message, 2000) };
  } catch (error) {
    return {
      ok: false,
      message: `snapshot failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
