import { ProviderKind } from '@podpilot/common';
import { type Command, Option } from 'commander';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import {
  fetchOffers,
  formatOffers,
  type OffersFlags,
  offersQueryFromFlags,
  unavailableNotes,
} from '../lib/offers.js';
import { printJson } from '../lib/output.js';

/** `podpilot offers`: GPUs for rent, from every provider the hub has a key for, cheapest first. */
export function registerOffersCommand(program: Command): void {
  program
    .command('offers')
    .description(
      'GPU offers from the providers, cheapest first (launch one with `podpilot launch --offer ID`)',
    )
    .option('--gpu <name>', 'GPU model, e.g. "RTX 4090"')
    .option('--gpu-count <n>', 'number of GPUs (1 to 16)')
    .option('--max-price <usd>', 'highest price in $/hour, e.g. 0.6')
    .option('--min-vram <gib>', 'least GPU memory in GiB, e.g. 24')
    .option('--cuda <version>', 'least CUDA version the driver supports, e.g. 12.4')
    .addOption(new Option('--provider <provider>', 'only this provider').choices(ProviderKind.options))
    .option('--limit <n>', 'show at most this many (1 to 500)', '50')
    .option('--json', 'print as JSON')
    .action(async (opts: OffersFlags & { json?: boolean }) => {
      const { json, ...flags } = opts;
      const query = offersQueryFromFlags(flags);
      const response = await fetchOffers(new HubClient(await loadCredentials()), query);
      if (json) return printJson(response);
      for (const note of unavailableNotes(response)) process.stderr.write(`${note}\n`);
      if (!response.offers.length) return void process.stdout.write('No offers match.\n');
      process.stdout.write(formatOffers(response.offers));
    });
}
