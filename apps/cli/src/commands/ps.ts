import type { Command } from 'commander';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { formatInstances, listAllInstances, visibleInstances } from '../lib/instances.js';
import { printJson } from '../lib/output.js';

/**
 * `podpilot ps`: the instances, newest first. A module of its own, so its bundle holds only the list's schemas
 * (the command people run most starts within twice a bare Node start: bench/first-hour.bench.ts).
 */
export function registerPsCommand(program: Command): void {
  program
    .command('ps')
    .description('list instances, newest first (destroyed ones only with --all)')
    .option('--all', 'include destroyed instances')
    .option('--json', 'print as JSON')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const instances = await listAllInstances(new HubClient(await loadCredentials()));
      if (opts.json) return printJson(visibleInstances(instances, opts.all === true));
      if (!visibleInstances(instances, opts.all === true).length)
        return void process.stdout.write(
          'No instances: podpilot offers, then podpilot launch PROFILE --offer ID --provider P\n',
        );
      process.stdout.write(formatInstances(instances, opts.all === true));
    });
}
