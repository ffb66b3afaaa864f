import type { Command } from 'commander';
import {
  type BudgetFlags,
  budgetChangesFromFlags,
  fetchBudget,
  formatBudget,
  putBudget,
} from '../lib/budgets.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { printJson } from '../lib/output.js';

const client = async () => new HubClient(await loadCredentials());

/** `podpilot budget [set]`: the monthly cap, max GPU hours per instance and max $/h the hub enforces. */
export function registerBudgetCommands(program: Command): void {
  const budget = program
    .command('budget')
    .description('show the spending limits and this month against the cap (change them with `budget set`)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await fetchBudget(await client());
      if (opts.json) return printJson(status);
      process.stdout.write(formatBudget(status));
    });

  budget
    .command('set')
    .description('change the given limits, keep the others ("none" removes a limit)')
    .option(
      '--monthly-cap <usd>',
      'dollars per UTC month; launches are refused and instances stopped past it',
    )
    .option('--max-hours <h>', 'GPU hours one instance may run over its life before it is stopped')
    .option('--max-price <usd>', 'highest $/hour an offer may cost to be launched')
    .option('--json', 'print as JSON')
    .action(async (_opts: BudgetFlags, command: Command) => {
      // `--json` may land on `budget` or on `set`: read both.
      const opts = command.optsWithGlobals<BudgetFlags & { json?: boolean }>();
      const changes = budgetChangesFromFlags(opts);
      const hub = await client();
      const current = await fetchBudget(hub);
      const status = await putBudget(hub, { ...current.budgets, ...changes });
      if (opts.json) return printJson(status);
      process.stdout.write(formatBudget(status));
    });
}
