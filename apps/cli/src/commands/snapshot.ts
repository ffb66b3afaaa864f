import {
  type SnapshotResult,
  type SnapshotStatus,
  sleep,
  snapshotsEndpoints,
  urlFor,
} from '@podpilot/common';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient, HubError } from '../lib/hub-client.js';
import { resolveInstanceRef } from '../lib/instances.js';
import { printJson } from '../lib/output.js';

const ID_HELP = 'instance id, its first 6+ characters, or its name';
const WAIT_TIMEOUT_MS = 10 * 60_000;
const POLL_MS = 3_000;

const MIB = 1024 * 1024;
const { latest } = snapshotsEndpoints;

/** The result as text: `profile@version`, then the changes, the warnings and the model uploads. */
export function formatSnapshot(result: SnapshotResult | SnapshotStatus): string {
  const head = result.created
    ? `stored ${result.profile}@${result.version}\n`
    : `${result.profile}@${result.version} already holds this environment: no new version\n`;
  const changes = result.changes.length
    ? `changes against the launched version:\n${result.changes.map((c) => `  ${c}\n`).join('')}`
    : 'no changes against the launched version\n';
  const warnings = result.warnings.length
    ? `warnings:\n${result.warnings.map((w) => `  ${w}\n`).join('')}`
    : '';
  const uploads = result.uploads.length
    ? `models uploaded to the library:\n${result.uploads
        .map(
          (u) =>
            `  ${u.path} (${(u.sizeBytes / MIB).toFixed(1)} MiB)${'status' in u ? `: ${u.status}` : ''}\n`,
        )
        .join('')}`
    : '';
  const agent =
    'agentMessage' in result &&
    result.agentMessage &&
    result.uploads.some((u) => 'status' in u && u.status === 'failed')
      ? `agent: ${result.agentMessage}\n`
      : '';
  return head + changes + warnings + uploads + agent;
}

/**
 * Polls until the hub stored the result of `commandId` (404 until then) and every model upload it asked for
 * is done (`complete`); CliError after `timeoutMs`.
 */
export async function waitForSnapshot(
  hub: HubClient,
  instanceId: string,
  commandId: string,
  timeoutMs = WAIT_TIMEOUT_MS,
  pollMs = POLL_MS,
): Promise<SnapshotStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const status = await hub.call(latest, { params: { id: instanceId }, query: { commandId } });
      if (status.complete) return status;
    } catch (error) {
      if (!(error instanceof HubError) || (error.status !== 404 && !error.retryable)) throw error;
    }
    if (Date.now() >= deadline)
      throw new CliError(
        `no snapshot result after ${Math.round(timeoutMs / 60_000)} min; the agent may still be working`,
        [`the result appears at GET ${urlFor(latest, { params: { id: instanceId }, query: { commandId } })}`],
      );
    await sleep(pollMs);
  }
}

/** `podpilot snapshot <instance>`: capture a running instance back into a profile version. */
export function registerSnapshotCommand(program: Command): void {
  program
    .command('snapshot')
    .description(
      'capture a running instance (UI and extension commits, models, settings) into a profile version',
    )
    .argument('<instance>', ID_HELP)
    .option('--as <name>', "store it in this profile instead of the instance's own")
    .option('--wait', 'wait (up to 10 min) for the agent and its model uploads, then print the result')
    .option('--json', 'print the answer as JSON')
    .action(async (ref: string, opts: { as?: string; wait?: boolean; json?: boolean }) => {
      const hub = new HubClient(await loadCredentials());
      const { id, name } = await resolveInstanceRef(hub, ref);
      const { commandId } = await hub.call(snapshotsEndpoints.request, {
        params: { id },
        body: opts.as === undefined ? {} : { as: opts.as },
      });
      if (!opts.wait) {
        if (opts.json) return printJson({ commandId });
        process.stdout.write(
          `asked ${name}'s agent for a snapshot (command ${commandId}); run with --wait to see the stored version\n`,
        );
        return;
      }
      if (!opts.json) process.stderr.write(`waiting for ${name}'s agent to report the snapshot…\n`);
      const result = await waitForSnapshot(hub, id, commandId);
      if (opts.json) printJson(result);
      else process.stdout.write(formatSnapshot(result));
      const failed = result.uploads.filter((u) => u.status === 'failed');
      if (failed.length > 0)
        throw new CliError(
          `the snapshot is incomplete: ${failed.length} model(s) did not reach the library (${failed.map((u) => u.path).join(', ')})`,
          ['run the snapshot again while the instance runs: only what is missing is uploaded'],
        );
    });
}
