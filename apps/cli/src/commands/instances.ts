import { type InstanceDetail, ProviderKind } from '@podpilot/common';
import { type Command, Option } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { confirm } from '../lib/confirm.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import {
  formatGpu,
  formatPrice,
  type InstanceAction,
  instanceAction,
  resolveInstanceRef,
  waitForInstance,
} from '../lib/instances.js';
import { type LaunchFlags, launchInstance, launchRequestFromFlags } from '../lib/launch.js';
import { printJson } from '../lib/output.js';
import { registerEvents, registerLogs } from './events.js';
import { registerOpen } from './open.js';

const client = async () => new HubClient(await loadCredentials());
const ID_HELP = 'instance id, its first 6+ characters, or its name';

const time = () => new Date().toISOString().slice(11, 19);
const stateLine = (i: InstanceDetail) =>
  `${time()}  ${i.name}: ${i.state}${i.stateReason ? ` (${i.stateReason})` : ''}\n`;

/** An AbortSignal that fires on the first Ctrl-C (a second one kills the process as usual). */
function interrupted(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}

/** `podpilot launch|stop|start|destroy|logs|events|open`: instances, from renting a GPU to giving it back. */
export function registerInstanceCommands(program: Command): void {
  registerLaunch(program);
  for (const [verb, description] of VERBS) registerVerb(program, verb, description);
  registerLogs(program);
  registerEvents(program);
  registerOpen(program);
}

function registerLaunch(program: Command): void {
  program
    .command('launch')
    .description(
      'rent an offer and set it up from a profile version; safe to retry (a retried request never rents twice)',
    )
    .argument('<profile>', 'profile name, optionally @version (latest when omitted), e.g. sdxl-portraits@3')
    .option('--offer <id>', 'the offer to rent (from `podpilot offers`); not with --provider local')
    .addOption(
      new Option('--provider <provider>', 'vastai or runpod (with --offer), or local').choices(
        ProviderKind.options,
      ),
    )
    .option(
      '--name <name>',
      'instance name: lowercase letters, digits and dashes (default: chosen by the hub)',
    )
    .option('--disk <gb>', 'disk size in GB, 10 to 2000 (default 60)')
    .option(
      '--relaunch <n>',
      'times the hub may replace a rental that never starts (failed, stuck, offer taken), 0 to 5 (default 1)',
    )
    .option('--wait', 'wait until the instance is ready (or failed), printing each state change')
    .option('--json', 'print the instance as JSON')
    .action(launch);
}

async function launch(
  profile: string,
  opts: LaunchFlags & { wait?: boolean; json?: boolean },
): Promise<void> {
  const request = launchRequestFromFlags(profile, opts);
  const hub = await client();
  let instance = await launchInstance(hub, request, {
    onRetry: (error, attempt, attempts) =>
      process.stderr.write(
        `${error.message}; retrying (${attempt}/${attempts}) with the same idempotency key\n`,
      ),
  });
  if (!opts.json)
    process.stdout.write(
      `launched ${instance.name} (${instance.id.slice(0, 8)}) on ${instance.provider}: ${instance.state}\n`,
    );
  if (opts.wait) {
    const out = opts.json ? process.stderr : process.stdout;
    instance = await waitForInstance(hub, instance.id, {
      signal: interrupted(),
      onChange: (i) => out.write(stateLine(i)),
    });
  }
  if (opts.json) return printJson(instance);
  if (!opts.wait) process.stdout.write(`follow it: podpilot logs ${instance.name} -f  (or podpilot ps)\n`);
}

const VERBS: [InstanceAction, string][] = [
  ['stop', 'stop an instance (its disk is kept; storage may still be billed)'],
  ['start', 'start a stopped instance again'],
  [
    'destroy',
    'destroy an instance and its disk (synced outputs stay on the hub); asks first on a terminal, ' +
      'and needs --yes when not run from a terminal',
  ],
];

/** `podpilot stop|start|destroy ID`; destroy asks first (or needs --yes). */
function registerVerb(program: Command, verb: InstanceAction, description: string): void {
  const command = program
    .command(verb)
    .description(description)
    .argument('<id>', ID_HELP)
    .option('--json', 'print the instance as JSON');
  if (verb === 'destroy') command.option('-y, --yes', 'do not ask for confirmation');
  if (verb === 'start')
    command.option(
      '--wait',
      'wait until the instance is ready again (or failed), printing each state change',
    );
  command.action(async (ref: string, opts: { json?: boolean; yes?: boolean; wait?: boolean }) => {
    const hub = await client();
    const target = await resolveInstanceRef(hub, ref);
    if (verb === 'destroy' && !opts.yes) {
      const what = `${target.name} (${target.id.slice(0, 8)}, ${target.state}, ${formatGpu(target)}, ${formatPrice(target.pricePerHour)}/h)`;
      if (!(process.stdin.isTTY && process.stderr.isTTY))
        throw new CliError(`destroy: refusing without --yes when not run from a terminal (${what})`);
      if (!(await confirm(`Destroy ${what} and its disk?`))) throw new CliError('not destroyed', [], 1);
    }
    let instance = await instanceAction(hub, target.id, verb);
    if (opts.wait) {
      const out = opts.json ? process.stderr : process.stdout;
      instance = await waitForInstance(hub, instance.id, {
        signal: interrupted(),
        onChange: (i) => out.write(stateLine(i)),
      });
    }
    if (opts.json) return printJson(instance);
    process.stdout.write(
      `${instance.name} (${instance.id.slice(0, 8)}): ${instance.state}${instance.stateReason ? ` (${instance.stateReason})` : ''}\n`,
    );
  });
}
