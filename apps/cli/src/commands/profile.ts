import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  diffProfiles,
  type ErrorIssue,
  formatProfileIssue,
  type ProfileIssue,
  parseProfileYaml,
  profilesEndpoints,
  unifiedProfileDiff,
} from '@podpilot/common';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { printJson, printTable } from '../lib/output.js';

const client = async () => new HubClient(await loadCredentials());

/** `name` or `name@3`. */
function parseRef(ref: string): { name: string; version: number | null } {
  const match = /^([a-z0-9][a-z0-9._-]{0,62})(?:@(\d+))?$/.exec(ref);
  if (!match?.[1]) throw new CliError(`"${ref}": expected NAME or NAME@VERSION, e.g. sdxl-portraits@3`);
  return { name: match[1], version: match[2] ? Number(match[2]) : null };
}

async function fetchVersion(hub: HubClient, ref: string) {
  const { name, version } = parseRef(ref);
  return hub.call(profilesEndpoints.get, { params: { name }, query: { version: version || undefined } });
}

/** YAML files named on the command line; a folder stands for its *.yaml and *.yml files. */
async function profileFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new CliError(`${path}: no such file or folder`);
    if (!info.isDirectory()) files.push(path);
    else {
      const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort();
      if (!names.length) throw new CliError(`${path}: no .yaml or .yml files in this folder`);
      files.push(...names.map((n) => join(path, n)));
    }
  }
  return files;
}

function printIssues(file: string, kind: 'error' | 'warning', issues: ErrorIssue[]): void {
  for (const issue of issues) {
    const located: ProfileIssue = { ...issue, line: issue.line ?? null, column: issue.column ?? null };
    process.stderr.write(`${formatProfileIssue(located, file)}${kind === 'warning' ? ' (warning)' : ''}\n`);
  }
}

/** `podpilot profile …`: validate, apply, list, show, diff and delete profiles. */
export function registerProfileCommands(program: Command): void {
  const profile = program
    .command('profile')
    .description('declarative environments: UI, extensions, models, files');
  registerValidate(profile);
  registerApply(profile);
  registerLs(profile);
  registerShow(profile);
  registerDiff(profile);
  registerRm(profile);
}

function registerValidate(profile: Command): void {
  profile
    .command('validate')
    .description('check profile files offline; prints file:line:column: path: problem')
    .argument('<files...>', 'YAML files or folders of them')
    .option('--json', 'print the results as JSON')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const results = [];
      for (const file of await profileFiles(paths)) {
        const result = parseProfileYaml(await readFile(file, 'utf8'));
        const errors = result.ok ? [] : result.errors;
        results.push({ file, ok: result.ok, errors, warnings: result.warnings });
        if (!opts.json) {
          printIssues(file, 'error', errors);
          printIssues(file, 'warning', result.warnings);
          if (result.ok)
            process.stdout.write(`${file}: ok (${result.profile.name}, ${result.profile.ui.kind})\n`);
        }
      }
      if (opts.json) printJson(results);
      const bad = results.filter((r) => !r.ok).length;
      if (bad) throw new CliError(`${bad} of ${results.length} profile file(s) are not valid`);
    });
}

function registerApply(profile: Command): void {
  profile
    .command('apply')
    .description('upload profiles; a new version is made only when the content changed')
    .argument('<files...>', 'YAML files or folders of them')
    .option('--json', 'print the results as JSON')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const files = await profileFiles(paths);
      const parsed = await Promise.all(
        files.map(async (file) => ({ file, yaml: await readFile(file, 'utf8') })),
      );
      const invalid = parsed
        .map((p) => ({ ...p, result: parseProfileYaml(p.yaml) }))
        .filter((p) => !p.result.ok);
      for (const p of invalid) if (!p.result.ok) printIssues(p.file, 'error', p.result.errors);
      if (invalid.length) throw new CliError(`nothing applied: ${invalid.length} file(s) are not valid`);
      const hub = await client();
      const results = [];
      for (const { file, yaml } of parsed) {
        const name = (parseProfileYaml(yaml) as { profile: { name: string } }).profile.name;
        const result = await hub.call(profilesEndpoints.apply, {
          params: { name },
          rawBody: { text: yaml, contentType: 'application/yaml' },
        });
        results.push({ file, ...result });
        if (!opts.json) {
          printIssues(file, 'warning', result.warnings);
          const what = result.created
            ? `version ${result.version} created`
            : `unchanged (version ${result.version})`;
          process.stdout.write(`${name}: ${what}\n`);
        }
      }
      if (opts.json) printJson(results);
    });
}

function registerLs(profile: Command): void {
  profile
    .command('ls')
    .description('list profiles')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { profiles } = await (await client()).call(profilesEndpoints.list);
      if (opts.json) return printJson(profiles);
      if (!profiles.length)
        return void process.stdout.write('No profiles yet: podpilot profile apply FILE\n');
      printTable(
        ['NAME', 'UI', 'VERSION', 'VERSIONS', 'UPDATED', 'DESCRIPTION'],
        profiles.map((p) => [
          p.name,
          p.uiKind,
          p.latestVersion,
          p.versionCount,
          p.updatedAt.slice(0, 16),
          p.description,
        ]),
      );
    });
}

function registerShow(profile: Command): void {
  profile
    .command('show')
    .description('show a profile version (the latest unless NAME@VERSION)')
    .argument('<ref>', 'NAME or NAME@VERSION')
    .option('--yaml', 'print the canonical YAML only (byte-stable export)')
    .option('--json', 'print as JSON')
    .action(async (ref: string, opts: { yaml?: boolean; json?: boolean }) => {
      const detail = await fetchVersion(await client(), ref);
      if (opts.json) return printJson(detail);
      if (opts.yaml) return void process.stdout.write(detail.yaml);
      const origin = detail.origin === 'snapshot' ? ` (snapshot of ${detail.snapshotOfInstanceId})` : '';
      process.stdout.write(
        `# ${detail.name}@${detail.version} of ${detail.latestVersion}, ${detail.createdAt}${origin}\n${detail.yaml}`,
      );
    });
}

function registerDiff(profile: Command): void {
  profile
    .command('diff')
    .description('what changed between two profile versions (any two: NAME@A NAME@B or other names)')
    .argument('<from>', 'NAME@VERSION')
    .argument('<to>', 'NAME@VERSION (or NAME for the latest)')
    .option('--json', 'print the structured changes as JSON')
    .action(async (fromRef: string, toRef: string, opts: { json?: boolean }) => {
      const hub = await client();
      const [from, to] = await Promise.all([fetchVersion(hub, fromRef), fetchVersion(hub, toRef)]);
      const changes = diffProfiles(from.spec, to.spec);
      if (opts.json)
        return printJson({ from: `${from.name}@${from.version}`, to: `${to.name}@${to.version}`, changes });
      const unified = unifiedProfileDiff(from.spec, to.spec, {
        from: `${from.name}@${from.version}`,
        to: `${to.name}@${to.version}`,
      });
      process.stdout.write(
        unified || `${from.name}@${from.version} and ${to.name}@${to.version} are the same\n`,
      );
    });
}

function registerRm(profile: Command): void {
  profile
    .command('rm')
    .description('delete a profile (refused while an instance uses it)')
    .argument('<name>')
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const profile = parseRef(name).name;
      await (await client()).call(profilesEndpoints.remove, { params: { name: profile } });
      if (opts.json) return printJson({ name: profile, deleted: true });
      process.stdout.write(`${name}: deleted\n`);
    });
}
