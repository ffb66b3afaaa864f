import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { formatBytes, formatTime, printJson, printTable } from '../lib/output.js';
import { pullOutputs } from '../lib/outputs-pull.js';
import { listOutputs, type OutputsFilter, resolveInstance } from '../lib/outputs-query.js';
import { pullProgressBar } from '../lib/progress.js';
import { parseTimeOption } from '../lib/time-option.js';
import { registerRestore, removeOutputs } from './outputs-trash.js';

const client = async () => new HubClient(await loadCredentials());

interface FilterOptions {
  instance?: string;
  profile?: string;
  since?: string;
  until?: string;
  q?: string;
  path?: string;
}

const TIME_HELP = 'an ISO time or a duration back from now (30m, 2h, 7d)';

/** The filter flags both verbs share. */
function filterOptions(command: Command): Command {
  return command
    .option('--instance <id>', 'only this instance (id, unique id prefix, or unique name)')
    .option('--profile <name>', 'only instances launched from this profile')
    .option('--since <time>', `only outputs created at or after: ${TIME_HELP}`)
    .option('--until <time>', `only outputs created before: ${TIME_HELP}`)
    .option('--q <words>', 'words searched in the path and the embedded prompt')
    .option('--path <substr>', 'only paths containing this');
}

/** The hub's filter from the flags; checks times and resolves `--instance`, before any listing. */
async function toFilter(hub: HubClient, opts: FilterOptions): Promise<OutputsFilter> {
  const since = opts.since === undefined ? undefined : parseTimeOption('--since', opts.since);
  const until = opts.until === undefined ? undefined : parseTimeOption('--until', opts.until);
  return {
    instance: opts.instance === undefined ? undefined : await resolveInstance(hub, opts.instance),
    profile: opts.profile,
    since,
    until,
    q: opts.q,
    path: opts.path,
  };
}

const positiveInt = (flag: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max)
    throw new CliError(`${flag}: expected a number from 1 to ${max}, got "${value}"`);
  return n;
};

/** `podpilot outputs …`: the files the instances produced, as synced to the hub. */
export function registerOutputsCommands(program: Command): void {
  const outputs = program
    .command('outputs')
    .description('files the instances produced (images, videos, …), as their agents synced them');
  registerLs(outputs);
  registerPull(outputs);
  registerRm(outputs);
  registerRestore(outputs, client);
}

function registerRm(outputs: Command): void {
  filterOptions(
    outputs
      .command('rm')
      .description(
        "move outputs to the hub's trash, by id or by filter (restorable for a grace period, then removed from storage)",
      )
      .argument('[ids...]', 'output ids (from `podpilot outputs ls`)'),
  )
    .option('-y, --yes', "do not ask before deleting a filter's result")
    .option('--json', 'print the result as JSON')
    .action(async (ids: string[], opts: FilterOptions & { yes?: boolean; json?: boolean }) => {
      const hub = await client();
      await removeOutputs(hub, ids, await toFilter(hub, opts), opts);
    });
}

function registerLs(outputs: Command): void {
  filterOptions(outputs.command('ls').description('list outputs, newest first'))
    .option('--limit <n>', 'show at most this many', positiveInt('--limit', 1_000_000), 100)
    .option('--deleted', 'list the trash (deleted, not yet removed) instead')
    .option('--json', 'print as JSON')
    .action(async (opts: FilterOptions & { limit: number; deleted?: boolean; json?: boolean }) => {
      const hub = await client();
      const filter = {
        ...(await toFilter(hub, opts)),
        ...(opts.deleted ? { deleted: 'true' as const } : {}),
      };
      const list = await listOutputs(hub, filter, opts.limit);
      if (opts.json) return printJson(list);
      if (!list.length) return void process.stdout.write('No outputs match.\n');
      printTable(
        ['ID', opts.deleted ? 'DELETED' : 'CREATED', 'INSTANCE', 'PATH', 'VERSION', 'SIZE'],
        list.map((o) => [
          o.id,
          formatTime(opts.deleted ? (o.deletedAt ?? o.createdAt) : o.createdAt),
          o.instanceName,
          o.path,
          o.version,
          formatBytes(o.sizeBytes),
        ]),
      );
    });
}

function registerPull(outputs: Command): void {
  filterOptions(
    outputs
      .command('pull')
      .description(
        'download the matching outputs to DIR/<instance>/<path> (version N>1 as <name>.vN.<ext>); ' +
          'files already there are skipped, interrupted downloads resume',
      )
      .argument('<dir>', 'local folder (created when missing)'),
  )
    .option('--parallel <n>', 'files downloaded at once', positiveInt('--parallel', 64), 4)
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, opts: FilterOptions & { parallel: number; json?: boolean }) => {
      const hub = await client();
      const filter = await toFilter(hub, opts);
      const bar = pullProgressBar(!opts.json && process.stderr.isTTY === true);
      let result: Awaited<ReturnType<typeof pullOutputs>>;
      try {
        result = await pullOutputs(hub, { dir, filter, parallel: opts.parallel, onProgress: bar.update });
      } finally {
        bar.stop();
      }
      const { pulled, skipped, failed } = result;
      if (opts.json) printJson(result);
      else {
        const bytes = pulled.reduce((sum, f) => sum + f.sizeBytes, 0);
        const mib = (bytes / 1024 / 1024).toFixed(1);
        process.stdout.write(
          `pulled ${pulled.length} files (${mib} MiB), skipped ${skipped.length} already present, ${failed.length} failed\n`,
        );
      }
      if (failed.length)
        throw new CliError(
          `${failed.length} ${failed.length === 1 ? 'file' : 'files'} could not be pulled (run again to retry):`,
          failed.map((f) => `${f.file}: ${f.message}`),
        );
    });
}
