import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type InstanceDetail, profilesEndpoints } from '@podpilot/common';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { demoGraph } from '../demo/demo-graph.js';
import { DEMO_COMMAND, writeDemoRepo } from '../demo/demo-repo.js';
import { CliError } from '../lib/cli-error.js';
import { configDir, loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { waitForInstance } from '../lib/instances.js';
import { launchInstance } from '../lib/launch.js';
import { printJson } from '../lib/output.js';

const PROFILE = 'demo';

/** The demo profile: the demo UI at `commit` from `url`, run as ComfyUI by Node, stopped when idle. */
export function demoProfileYaml(url: string, commit: string, idleMinutes: number): string {
  return stringify({
    name: PROFILE,
    description: "PodPilot's demo UI: a ComfyUI stand-in that needs no GPU, Python, model or network",
    ui: { kind: 'comfyui', ref: commit, repo: url, command: DEMO_COMMAND },
    idle: { minutes: idleMinutes, action: 'stop' },
  });
}

/** Queues one picture on a WebUI reached directly (not through a signed link); false when it cannot. */
async function queueFirstPicture(instance: InstanceDetail): Promise<boolean> {
  const access = instance.access;
  if (!access?.url || access.kind === 'public') return false;
  const seed = Math.floor(Math.random() * 1e9);
  const res = await fetch(new URL('prompt', `${access.url.replace(/\/?$/, '/')}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: demoGraph({ seed }), client_id: 'podpilot-demo' }),
  }).catch(() => null);
  return res?.ok === true;
}

interface DemoFlags {
  launch: boolean;
  idleMinutes: string;
  json?: boolean;
}

async function demo(opts: DemoFlags): Promise<void> {
  const idleMinutes = /^\d+$/.test(opts.idleMinutes) ? Number(opts.idleMinutes) : Number.NaN;
  if (!(idleMinutes >= 1 && idleMinutes <= 1440))
    throw new CliError(
      `--idle-minutes: expected whole minutes from 1 to 1440, got ${JSON.stringify(opts.idleMinutes)}`,
    );
  const say = (line: string) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
  const hub = new HubClient(await loadCredentials());
  const repo = await writeDemoRepo(join(configDir(), 'demo-ui')).catch((error: Error) => {
    throw new CliError(`could not make the demo UI's repository: ${error.message}`, [
      'it needs git on this machine and a built CLI (npm run build)',
    ]);
  });
  const applied = await hub.call(profilesEndpoints.apply, {
    params: { name: PROFILE },
    rawBody: { text: demoProfileYaml(repo.url, repo.commit, idleMinutes), contentType: 'application/yaml' },
  });
  say(`profile ${PROFILE}@${applied.version}: the demo UI at ${repo.commit.slice(0, 12)} (${repo.url})`);
  if (!opts.launch) return opts.json ? printJson({ profile: applied }) : undefined;

  let instance = await launchInstance(hub, {
    profile: `${PROFILE}@${applied.version}`,
    provider: 'local',
    idempotencyKey: randomUUID(),
    diskGb: 10,
    relaunch: 0,
  });
  say(`launched ${instance.name} (${instance.id.slice(0, 8)}) on this machine; waiting until it is ready…`);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  instance = await waitForInstance(hub, instance.id, {
    signal: stop.signal,
    onChange: (i) => say(`  ${i.state}${i.stateReason ? ` (${i.stateReason})` : ''}`),
  });
  const queued = await queueFirstPicture(instance);
  if (opts.json) return printJson({ profile: applied, instance, firstPicture: queued });
  say(`the demo UI: ${instance.access?.url ?? '(address not known yet)'}   (podpilot open ${instance.name})`);
  if (queued) say('queued a first picture: it reaches the gallery (Outputs) within seconds');
  say(`it stops itself after ${idleMinutes} idle minutes; podpilot stop ${instance.name} stops it now`);
}

/** `podpilot demo`: the demo UI as a profile, launched on this machine, with no GPU, account or network. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'launch the demo UI on this machine (the local provider): a ComfyUI stand-in that needs no GPU, Python, model or network',
    )
    .option('--no-launch', 'only make the demo UI and its profile ("demo")')
    .option('--idle-minutes <n>', 'stop the instance after this many idle minutes', '5')
    .option('--json', 'print the profile and the instance as JSON')
    .action(demo);
}
