import {
  CreateNotificationTarget,
  NotificationEvent,
  NotificationFormat,
  type NotificationTarget,
  notificationsEndpoints,
} from '@podpilot/common';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { formatTime, printJson, printTable } from '../lib/output.js';

const client = async () => new HubClient(await loadCredentials());
const api = notificationsEndpoints;
const EVENTS = NotificationEvent.options.join(', ');

/** `--events ready,failed` as the hub's event names; throws naming the flag for an unknown one. */
export function parseEvents(text: string): NotificationEvent[] {
  const events = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const event of events)
    if (!NotificationEvent.safeParse(event).success)
      throw new CliError(`--events: expected a comma-separated list of ${EVENTS}, got "${event}"`);
  return events as NotificationEvent[];
}

/** The target named `ref` (its id, or its name: `env` is PODPILOT_WEBHOOK_URL). */
export function findTarget(targets: NotificationTarget[], ref: string): NotificationTarget {
  const found = targets.find((t) => t.id === ref) ?? targets.find((t) => t.name === ref);
  if (!found) throw new CliError(`no notification target "${ref}" (see \`podpilot notify ls\`)`);
  return found;
}

/** One line per target: name, format, masked URL, events, last delivery and last error. */
export function targetRows(targets: NotificationTarget[]): string[][] {
  return targets.map((t) => [
    t.name,
    t.format,
    t.urlHint,
    t.events.length === NotificationEvent.options.length ? 'all' : t.events.join(','),
    t.lastDeliveryAt ? `${t.lastStatus ?? ''} ${formatTime(t.lastDeliveryAt)}` : 'never',
    t.lastError ? `${t.lastErrorAt ? formatTime(t.lastErrorAt) : '?'}: ${t.lastError}` : '',
    t.id,
  ]);
}

/** The URL from the argument, or from stdin (keeps it out of the shell's history) when omitted or "-". */
async function readUrl(arg: string | undefined): Promise<string> {
  if (arg !== undefined && arg !== '-') return arg;
  if (process.stdin.isTTY)
    throw new CliError('URL: give it as an argument, or pipe it in (`… | podpilot notify add NAME -`)');
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.trim();
}

async function listTargets(hub: HubClient): Promise<NotificationTarget[]> {
  return (await hub.call(api.list)).targets;
}

/** `podpilot notify ls`: the targets with their last delivery and last error. */
async function listAction(opts: { json?: boolean }): Promise<void> {
  const targets = await listTargets(await client());
  if (opts.json) return printJson({ targets });
  if (!targets.length) {
    process.stdout.write('no notification targets (add one with `podpilot notify add NAME URL`)\n');
    return;
  }
  printTable(['NAME', 'FORMAT', 'URL', 'EVENTS', 'LAST DELIVERY', 'LAST ERROR', 'ID'], targetRows(targets));
}

/** `podpilot notify add NAME [URL]`: checked here first, so a bad flag is named as the user typed it. */
async function addAction(name: string, urlArg: string | undefined, opts: AddFlags): Promise<void> {
  const parsed = CreateNotificationTarget.safeParse({
    name,
    format: opts.format,
    url: await readUrl(urlArg),
    ...(opts.events !== undefined ? { events: parseEvents(opts.events) } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0] === 'format' ? '--format' : String(issue?.path[0] ?? '').toUpperCase();
    throw new CliError(`${field}: ${issue?.message ?? 'invalid'}`);
  }
  const target = await (await client()).call(api.create, { body: parsed.data });
  if (opts.json) return printJson(target);
  process.stdout.write(`${target.name}: added (${target.format}, ${target.urlHint}), id ${target.id}\n`);
}

/** `podpilot notify rm TARGET`. */
async function removeAction(ref: string, opts: { json?: boolean }): Promise<void> {
  const hub = await client();
  const target = findTarget(await listTargets(hub), ref);
  await hub.call(api.remove, { params: { id: target.id } });
  if (opts.json) return printJson({ id: target.id, name: target.name, deleted: true });
  process.stdout.write(`${target.name}: deleted\n`);
}

/** `podpilot notify test TARGET`: exits 1 when the notice was not delivered. */
async function testAction(ref: string, opts: { json?: boolean }): Promise<void> {
  const hub = await client();
  const target = findTarget(await listTargets(hub), ref);
  const result = await hub.call(api.test, { params: { id: target.id } });
  if (opts.json) printJson(result);
  const { delivery } = result;
  if (!delivery.ok) throw new CliError(`${target.name}: not delivered: ${delivery.error ?? 'unknown error'}`);
  const tries = `${delivery.attempts} ${delivery.attempts === 1 ? 'try' : 'tries'}`;
  if (!opts.json) process.stdout.write(`${target.name}: delivered (HTTP ${delivery.status}, ${tries})\n`);
}

/** `podpilot notify ls|add|rm|test`: webhooks the hub tells when something happens. */
export function registerNotifyCommands(program: Command): void {
  const notify = program
    .command('notify')
    .description('notification targets: webhooks (generic JSON, Slack, Discord) told of what happens');
  notify
    .command('ls')
    .description('list the targets with their last delivery and last error (URLs are never shown whole)')
    .option('--json', 'print as JSON')
    .action(listAction);
  notify
    .command('add')
    .description('add a target; the URL is stored encrypted and never shown again')
    .argument('<name>', 'a name for it')
    .argument('[url]', 'the webhook URL; read from stdin when omitted or "-"')
    .option('--format <format>', `body format: ${NotificationFormat.options.join(', ')}`, 'generic')
    .option('--events <list>', `comma-separated: ${EVENTS} (default: all)`)
    .option('--json', 'print as JSON')
    .action(addAction);
  notify
    .command('rm')
    .description('delete a target')
    .argument('<target>', 'its name or id')
    .option('--json', 'print as JSON')
    .action(removeAction);
  notify
    .command('test')
    .description('send a test notice now; exits 1 when it was not delivered')
    .argument('<target>', 'its name or id (`env` for PODPILOT_WEBHOOK_URL)')
    .option('--json', 'print as JSON')
    .action(testAction);
}

interface AddFlags {
  format: string;
  events?: string;
  json?: boolean;
}
