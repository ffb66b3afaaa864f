import { instancesEndpoints, LogLevel } from '@podpilot/common';
import { type Command, Option } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { resolveInstanceRef } from '../lib/instances.js';
import { formatEvent, formatLogLine, type LogFormat, parseSources, streamLogs } from '../lib/logs.js';
import { printJson } from '../lib/output.js';
import { parseTimeOption } from '../lib/time-option.js';

const ID_HELP = 'instance id, its first 6+ characters, or its name';
const client = async () => new HubClient(await loadCredentials());

/** An AbortSignal that fires on the first Ctrl-C (a second one kills the process as usual). */
function interrupted(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}

/** On a terminal: the time of day and colours; redirected to a file: whole ISO times, no colours. */
const outputFormat = (): LogFormat =>
  process.stdout.isTTY ? { time: 'clock', colour: true } : { time: 'iso', colour: false };

const levelOption = () =>
  new Option('--level <level>', 'only agent lines and events at this level or above').choices(
    LogLevel.options,
  );

interface LogsFlags {
  follow?: boolean;
  sinceLine: string;
  since?: string;
  source: string;
  level?: LogLevel;
  json?: boolean;
}

/** `podpilot logs ID`: the agent's lines, the WebUI's and the events, interleaved by time. */
export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description(
      "an instance's log: the agent's own lines (with their level), the WebUI's and the instance's events, " +
        'in time order; -f keeps following until Ctrl-C or destroy; `> file` writes all of it (no colours)',
    )
    .argument('<id>', ID_HELP)
    .option(
      '-f, --follow',
      'keep printing new lines (polls every 2 s) until Ctrl-C or the instance is destroyed',
    )
    .option('--source <list>', 'what to show, comma-separated: agent, webui, events', 'agent,webui,events')
    .option('--since <time>', 'only what happened since: a duration back from now (10m, 2h) or an ISO time')
    .addOption(levelOption())
    .option('--since-line <n>', 'start after this line id (0: from the start)', '0')
    .option('--json', 'print one JSON object per line or event (events have a "kind")')
    .action(logs);
}

async function logs(ref: string, opts: LogsFlags): Promise<void> {
  if (!/^\s*\d+\s*$/.test(opts.sinceLine) || !Number.isSafeInteger(Number(opts.sinceLine)))
    throw new CliError(
      `--since-line: expected a line id (a whole number, 0 or more), got "${opts.sinceLine}"`,
    );
  const sources = parseSources(opts.source);
  if (typeof sources === 'string') throw new CliError(sources);
  const since = opts.since === undefined ? undefined : parseTimeOption('--since', opts.since);
  const hub = await client();
  const target = await resolveInstanceRef(hub, ref);
  const format = outputFormat();
  const print = (text: string) => process.stdout.write(`${text}\n`);
  const result = await streamLogs(hub, target.id, {
    after: Number(opts.sinceLine),
    follow: opts.follow === true,
    signal: opts.follow ? interrupted() : undefined,
    sources,
    ...(opts.level ? { level: opts.level } : {}),
    ...(since ? { since } : {}),
    onLine: (line) => print(opts.json ? JSON.stringify(line) : formatLogLine(line, format)),
    onEvent: (event) => print(opts.json ? JSON.stringify(event) : formatEvent(event, format)),
  });
  if (result.ended === 'destroyed' && !opts.json)
    process.stderr.write(`${target.name} was destroyed; last line ${result.after}\n`);
}

/** `podpilot events ID`: what happened to an instance (hub and agent), newest last. */
export function registerEvents(program: Command): void {
  program
    .command('events')
    .description("an instance's events (state changes, provisioning, failures, warnings), newest last")
    .argument('<id>', ID_HELP)
    .option('--since <time>', 'only events since: a duration back from now (10m, 2h) or an ISO time')
    .addOption(levelOption())
    .option('--limit <n>', 'the newest n events, 1 to 1000', '100')
    .option('--json', 'print the events as a JSON array, newest last')
    .action(
      async (ref: string, opts: { since?: string; level?: LogLevel; limit: string; json?: boolean }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw new CliError(`--limit: expected a whole number from 1 to 1000, got "${opts.limit}"`);
        const since = opts.since === undefined ? undefined : parseTimeOption('--since', opts.since);
        const hub = await client();
        const target = await resolveInstanceRef(hub, ref);
        const { events } = await hub.call(instancesEndpoints.events, {
          params: { id: target.id },
          query: { limit, ...(opts.level ? { level: opts.level } : {}), ...(since ? { since } : {}) },
        });
        const oldestFirst = [...events].reverse();
        if (opts.json) return printJson(oldestFirst);
        if (!oldestFirst.length) return void process.stdout.write(`${target.name}: no events\n`);
        const format = outputFormat();
        for (const event of oldestFirst) process.stdout.write(`${formatEvent(event, format)}\n`);
      },
    );
}
