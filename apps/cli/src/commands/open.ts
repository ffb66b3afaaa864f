import type { Command } from 'commander';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { resolveInstanceRef } from '../lib/instances.js';
import { printJson } from '../lib/output.js';
import { openInBrowser, webuiUrl } from '../lib/webui.js';

/** `podpilot open ID [--print]`: the WebUI's address (a signed link for a public one), opened in the browser. */
export function registerOpen(program: Command): void {
  program
    .command('open')
    .description("open an instance's WebUI in the browser (a short-lived link where the hub signs one)")
    .argument('<id>', 'instance id, its first 6+ characters, or its name')
    .option('--print', 'only print the address')
    .option('--json', 'only print the address as JSON ({"url": …})')
    .action(async (ref: string, opts: { print?: boolean; json?: boolean }) => {
      const hub = new HubClient(await loadCredentials());
      const url = await webuiUrl(hub, await resolveInstanceRef(hub, ref));
      if (opts.json) return printJson({ url });
      process.stdout.write(`${url}\n`);
      if (!opts.print) await openInBrowser(url);
    });
}
