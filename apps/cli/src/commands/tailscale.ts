import { podpilotPolicy, renderPolicyHuJson } from '@podpilot/common';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { printJson } from '../lib/output.js';
import {
  checkPolicy,
  fetchLivePolicy,
  formatCheck,
  policyOptionsFromFlags,
  type TailscaleFlags,
} from '../lib/tailscale.js';

const HUB_PORT_HELP = 'the port the hub listens on (PODPILOT_PORT; default 7300)';
const OWNER_HELP =
  'who reaches the agents’ WebUIs and SSH and the hub: autogroup:admin (default), autogroup:member, group:NAME or an e-mail';
const TEST_USER_HELP = 'the user (e-mail) the owner tests run as (default: the owner)';

/** `podpilot tailscale policy|check`: the tailnet ACL PodPilot needs, and whether the tailnet has it. */
export function registerTailscaleCommands(program: Command): void {
  const tailscale = program.command('tailscale').description('the tailnet policy PodPilot needs');

  tailscale
    .command('policy')
    .description('print the tailnet policy (HuJSON, with tests) that PodPilot needs; works offline')
    .option('--hub-port <N>', HUB_PORT_HELP)
    .option('--owner <SELECTOR>', OWNER_HELP)
    .option('--test-user <EMAIL>', TEST_USER_HELP)
    .option('--json', 'print as plain JSON (no comments)')
    .action((opts: TailscaleFlags & { json?: boolean }) => {
      const policy = podpilotPolicy(policyOptionsFromFlags(opts));
      if (opts.json) return printJson(policy);
      process.stdout.write(renderPolicyHuJson(policy));
    });

  tailscale
    .command('check')
    .description(
      'compare the tailnet’s live policy (read by the hub) with the one PodPilot needs; exit 1 if they differ or it uses what the check does not model',
    )
    .option('--hub-port <N>', HUB_PORT_HELP)
    .option('--owner <SELECTOR>', OWNER_HELP)
    .option('--test-user <EMAIL>', TEST_USER_HELP)
    .option('--json', 'print the differences as JSON ({"differences": [...]}; exit 1 when there are any)')
    .action(async (opts: TailscaleFlags & { json?: boolean }) => {
      const wanted = podpilotPolicy(policyOptionsFromFlags(opts));
      const live = await fetchLivePolicy(new HubClient(await loadCredentials()));
      const differences = checkPolicy(live, wanted);
      if (opts.json) {
        printJson({ differences });
        if (differences.length) process.exitCode = 1;
        return;
      }
      process.stdout.write(formatCheck(differences));
      if (differences.length)
        throw new CliError(
          `the tailnet policy does not enforce what PodPilot needs (${differences.length} difference${differences.length === 1 ? '' : 's'})`,
        );
    });
}
