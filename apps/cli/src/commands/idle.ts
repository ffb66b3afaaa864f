import { instancesEndpoints } from '@podpilot/common';
import type { Command } from 'commander';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import {
  formatActivity,
  type IdleFlags,
  idleOverrideFromFlags,
  keepAwake,
  keepAwakeUntil,
  setIdlePolicy,
} from '../lib/idle.js';
import { resolveInstanceRef } from '../lib/instances.js';
import { printJson } from '../lib/output.js';

const ID_HELP = 'instance id, its first 6+ characters, or its name';

/** `podpilot keep-awake` and `podpilot idle`: the owner's say in idle stopping. */
export function registerIdleCommands(program: Command): void {
  program
    .command('keep-awake')
    .description('keep an instance from idle stopping for a while (budgets still apply)')
    .argument('<instance>', ID_HELP)
    .argument('<duration>', 'how long from now, e.g. 2h, 90m, 1d; "off" cancels')
    .option('--json', 'print the instance as JSON')
    .action(async (ref: string, duration: string, opts: { json?: boolean }) => {
      const until = keepAwakeUntil(duration);
      const hub = new HubClient(await loadCredentials());
      const instance = await keepAwake(hub, (await resolveInstanceRef(hub, ref)).id, until);
      if (opts.json) return printJson(instance);
      process.stdout.write(formatActivity(instance));
    });

  program
    .command('idle')
    .description('why an instance is busy or idle and when it stops; with options, change its idle policy')
    .argument('<instance>', ID_HELP)
    .option('--minutes <n>', 'idle minutes before the action, 1 to 1440')
    .option('--action <action>', 'stop or destroy')
    .option('--off', 'never stop this instance for idleness')
    .option('--on', 'stop it for idleness again')
    .option('--reset', "return to the profile's idle policy")
    .option('--json', 'print the instance as JSON')
    .action(async (ref: string, opts: IdleFlags & { reset?: boolean; json?: boolean }) => {
      const override = opts.reset ? 'reset' : idleOverrideFromFlags(opts);
      const hub = new HubClient(await loadCredentials());
      const { id } = await resolveInstanceRef(hub, ref);
      const instance = override
        ? await setIdlePolicy(hub, id, override)
        : await hub.call(instancesEndpoints.get, { params: { id } });
      if (opts.json) return printJson(instance);
      process.stdout.write(formatActivity(instance));
    });
}
