import type { Command } from 'commander';
import { costsQueryFromFlags, fetchCosts, formatCosts } from '../lib/costs.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { printJson } from '../lib/output.js';

/** `podpilot cost`: what the instances cost in a month, by instance and profile, against the budget. */
export function registerCostCommand(program: Command): void {
  program
    .command('cost')
    .description('spend of a month (UTC) by instance and profile, and the monthly budget')
    .option('--month <YYYY-MM>', 'the month to show (default: the current one)')
    .option('--json', 'print as JSON')
    .action(async (opts: { month?: string; json?: boolean }) => {
      const query = costsQueryFromFlags(opts);
      const costs = await fetchCosts(new HubClient(await loadCredentials()), query);
      if (opts.json) return printJson(costs);
      process.stdout.write(formatCosts(costs));
    });
}
