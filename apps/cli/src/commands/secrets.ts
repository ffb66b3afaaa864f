import { AnySecretName, SecretName } from '@podpilot/common';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { printJson, printTable } from '../lib/output.js';
import {
  deleteSecret,
  listSecrets,
  putSecret,
  readSecretValue,
  type SecretNameValue,
} from '../lib/secrets.js';

const client = async () => new HubClient(await loadCredentials());
const NAMES =
  'vastai.api_key, runpod.api_key, tailscale.api_key, huggingface.token, civitai.token or model-host.<host>.header (docs/model-sources.md)';

/**
 * A secret name the hub accepts, fixed ones and `model-host.<host>.header` alike (lib/secrets.ts types only
 * the fixed ones; the hub checks the name again).
 */
function parseName(name: string): SecretNameValue {
  const parsed = AnySecretName.safeParse(name);
  if (!parsed.success)
    throw new CliError(
      `NAME: expected one of ${SecretName.options.join(', ')} or model-host.<host>.header, got "${name}"`,
    );
  return parsed.data as SecretNameValue;
}

/** `podpilot secrets …`: provider API keys and model-site tokens, kept encrypted by the hub, never shown again. */
export function registerSecretsCommands(program: Command): void {
  const secrets = program
    .command('secrets')
    .description(
      'provider API keys and model-site tokens the hub uses (stored encrypted; values are never shown)',
    );

  secrets
    .command('set')
    .description(
      'store a secret; the value is read from stdin when omitted or "-" (typed without echo on a terminal)',
    )
    .argument('<name>', NAMES)
    .argument('[value]', 'the value; prefer stdin, which keeps it out of your shell history')
    .option('--json', 'print the result as JSON')
    .action(async (rawName: string, rawValue: string | undefined, opts: { json?: boolean }) => {
      const name = parseName(rawName);
      const value = rawValue === undefined || rawValue === '-' ? await readSecretValue(name) : rawValue;
      await putSecret(await client(), name, value);
      if (opts.json) return printJson({ name, set: true });
      process.stdout.write(`${name}: saved\n`);
    });

  secrets
    .command('ls')
    .description('list the stored secrets (names and when they were set, never values)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { secrets: list } = await listSecrets(await client());
      if (opts.json) return printJson(list);
      if (!list.length)
        return void process.stdout.write('No secrets yet: podpilot secrets set vastai.api_key\n');
      printTable(
        ['NAME', 'UPDATED'],
        list.map((s) => [s.name, s.updatedAt.replace(/\.\d+Z$/, 'Z')]),
      );
    });

  secrets
    .command('rm')
    .description('delete a stored secret')
    .argument('<name>', NAMES)
    .option('--json', 'print the result as JSON')
    .action(async (rawName: string, opts: { json?: boolean }) => {
      const name = parseName(rawName);
      await deleteSecret(await client(), name);
      if (opts.json) return printJson({ name, deleted: true });
      process.stdout.write(`${name}: deleted\n`);
    });
}
