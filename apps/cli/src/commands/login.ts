import { tokensEndpoints } from '@podpilot/common';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { forgetCredentials, saveCredentials } from '../lib/credentials.js';
import { askHidden } from '../lib/hidden-prompt.js';
import { HubClient } from '../lib/hub-client.js';
import { printJson } from '../lib/output.js';

async function askToken(hubUrl: string): Promise<string> {
  if (!process.stdin.isTTY) {
    // Piped: `echo $TOKEN | podpilot login URL`.
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.trim();
  }
  process.stderr.write(`Create an API token in the web UI (${hubUrl}/settings), then paste it here.\n`);
  return askHidden('API token (not shown): ');
}

/** `podpilot login URL` / `podpilot logout`: keep an API token for the other commands. */
export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description('log the CLI in to a hub with an API token (from --token, stdin, or a prompt)')
    .argument('<url>', 'the hub URL, e.g. http://127.0.0.1:7300')
    .option(
      '--token <token>',
      'the API token (pp_…); prefer stdin or the prompt, which keep it out of your shell history',
    )
    .option('--json', 'print as JSON')
    .action(async (url: string, opts: { token?: string; json?: boolean }) => {
      if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
        throw new CliError(`url: expected an http(s) URL, got "${url}"`);
      }
      const hubUrl = url.replace(/\/+$/, '');
      const token = opts.token ?? (await askToken(hubUrl));
      if (!token.startsWith('pp_')) throw new CliError('token: expected an API token starting with pp_');
      await new HubClient({ hubUrl, token }).call(tokensEndpoints.list);
      const path = await saveCredentials({ hubUrl, token });
      if (opts.json) return printJson({ hubUrl, credentialsFile: path });
      process.stdout.write(`Logged in to ${hubUrl} (token kept in ${path})\n`);
    });

  program
    .command('logout')
    .description('forget the stored API token')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      await forgetCredentials();
      if (opts.json) return printJson({ loggedOut: true });
      process.stdout.write('Logged out\n');
    });
}
