import { outputsEndpoints } from '@podpilot/common';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { confirm } from '../lib/confirm.js';
import type { HubClient } from '../lib/hub-client.js';
import { formatTime, printJson } from '../lib/output.js';
import { listOutputs, type OutputsFilter } from '../lib/outputs-query.js';

/** What `outputs rm` deletes: the ids given, or the filter's matches. Refuses both, neither, or an empty filter. */
export function deletionOf(
  ids: string[],
  filter: OutputsFilter,
): { ids: string[] } | { filter: OutputsFilter } {
  const filtered = Object.values(filter).some((value) => value !== undefined);
  if (ids.length && filtered) throw new CliError('outputs rm: give output ids or filters, not both');
  if (ids.length) return { ids };
  if (!filtered)
    throw new CliError('outputs rm: give output ids (from `podpilot outputs ls`) or at least one filter', [
      'filters: --instance, --profile, --since, --until, --q, --path',
    ]);
  return { filter };
}

/**
 * `podpilot outputs rm`: moves outputs to the hub's trash (restorable for its grace period). A filter's
 * result is counted and confirmed first, unless `--yes`; without a terminal `--yes` is required.
 */
export async function removeOutputs(
  hub: HubClient,
  ids: string[],
  filter: OutputsFilter,
  opts: { yes?: boolean; json?: boolean },
): Promise<void> {
  const body = deletionOf(ids, filter);
  if ('filter' in body && !opts.yes) {
    if (!process.stdin.isTTY || opts.json)
      throw new CliError(
        "outputs rm: refusing to delete a filter's result without --yes when not asked on a terminal",
      );
    const matching = (await listOutputs(hub, body.filter, 10_001)).length;
    if (matching === 0) throw new CliError('outputs rm: no outputs match', [], 1);
    const count = matching > 10_000 ? 'the first 10000 of more than 10000' : String(matching);
    if (!(await confirm(`Delete ${count} outputs (restorable for a while from the trash)?`)))
      throw new CliError('nothing deleted', [], 1);
  }
  const result = await hub.call(outputsEndpoints.remove, { body });
  if (opts.json) return printJson(result);
  process.stdout.write(
    `moved ${result.deleted} ${result.deleted === 1 ? 'output' : 'outputs'} to the trash; restorable until ${formatTime(result.restoreUntil)} (podpilot outputs ls --deleted, then outputs restore ID…)\n`,
  );
}

/** `podpilot outputs restore ID…`. */
export function registerRestore(outputs: Command, client: () => Promise<HubClient>): void {
  outputs
    .command('restore')
    .description('take outputs back out of the trash (ids from `podpilot outputs ls --deleted`)')
    .argument('<ids...>', 'output ids')
    .option('--json', 'print the result as JSON')
    .action(async (ids: string[], opts: { json?: boolean }) => {
      const result = await (await client()).call(outputsEndpoints.restore, { body: { ids } });
      if (opts.json) return printJson(result);
      process.stdout.write(`restored ${result.restored} ${result.restored === 1 ? 'output' : 'outputs'}\n`);
    });
}
