import type { AgentCommand, UiKind } from '@podpilot/common';
import type { HubConnection } from '../hub/hub-connection.js';
import { collectSnapshot } from '../snapshot/collect.js';

/** What a snapshot needs to know of the provisioned instance; null while it is still provisioning. */
export interface SnapshotContext {
  uiDir: string;
  uiKind: UiKind;
  cacheDir: string;
  /** The profile's `files[].path`, relative to the UI folder. */
  profileFiles: string[];
}

/**
 * Runs the `snapshot` command: collects the checkouts, models and files on this instance and sends them to
 * the hub, which stores a profile version. Resolves with the acknowledgement; never throws.
 */
export async function runSnapshotCommand(
  hub: HubConnection,
  command: AgentCommand,
  context: SnapshotContext | null,
  say: (line: string) => void,
): Promise<{ ok: boolean; message: string }> {
  if (!context)
    return { ok: false, message: 'the instance is still provisioning: snapshot it once it is ready' };
  try {
    const report = await collectSnapshot({
      ...context,
      commandId: command.id,
      onProgress: (done, total, path) => {
        if (done === total) say(`snapshot: hashed ${path}`);
      },
    });
    const result = await hub.snapshot(report);
    const message = `${result.profile}@${result.version}${result.created ? '' : ' (unchanged)'}: ${
      result.changes.length ? result.changes.join('; ') : 'no changes'
    }${result.warnings.length ? ` — warnings: ${result.warnings.join('; ')}` : ''}`;
    say(`snapshot: ${message}`);
    return { ok: true, message: message.slice(0, 2000) };
  } catch (error) {
    return {
      ok: false,
      message: `snapshot failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
