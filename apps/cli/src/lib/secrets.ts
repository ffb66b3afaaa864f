import type { Readable } from 'node:stream';
import { type ListSecretsResponse, PutSecretRequest, SecretName, secretsEndpoints } from '@podpilot/common';
import type { z } from 'zod';
import { CliError } from './cli-error.js';
import type { HubClient } from './hub-client.js';

export type SecretNameValue = z.infer<typeof SecretName>;

export function parseSecretName(name: string): SecretNameValue {
  const parsed = SecretName.safeParse(name);
  if (!parsed.success)
    throw new CliError(`NAME: expected one of ${SecretName.options.join(', ')}, got "${name}"`);
  return parsed.data;
}

/** What `secrets set` reads from: stdin, a TTY or a pipe. */
export type SecretInput = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/**
 * The secret's value: from stdin when piped (all of it, without the final newline), else asked on the
 * terminal without echoing what is typed. Never printed anywhere.
 */
export async function readSecretValue(
  name: string,
  input: SecretInput = process.stdin,
  prompt: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  let value: string;
  if (input.isTTY && input.setRawMode) {
    value = await readHidden(input, `${name} (input hidden): `, prompt);
  } else {
    let text = '';
    for await (const chunk of input) text += chunk.toString();
    value = text.replace(/\r?\n$/, '');
  }
  if (!value) throw new CliError(`VALUE: expected the secret value (read from stdin), got nothing`);
  return value;
}

/** A line typed on the terminal in raw mode, echoing nothing; Ctrl-C or Ctrl-D cancel. */
function readHidden(input: SecretInput, question: string, prompt: NodeJS.WritableStream): Promise<string> {
  prompt.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (error?: Error) => {
      input.setRawMode?.(false);
      input.pause();
      input.off('data', onData);
      prompt.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003' || char === '\u0004') return done(new CliError('cancelled', [], 130));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    input.setRawMode?.(true);
    input.resume();
    input.on('data', onData);
  });
}

/** `PUT /api/secrets/:name` (the value checked first). */
export async function putSecret(hub: HubClient, name: SecretNameValue, value: string): Promise<void> {
  const parsed = PutSecretRequest.safeParse({ value });
  if (!parsed.success)
    throw new CliError(`VALUE: ${parsed.error.issues[0]?.message ?? 'invalid'} (1 to 4096 characters)`);
  await hub.call(secretsEndpoints.put, { params: { name }, body: parsed.data });
}

export async function listSecrets(hub: HubClient): Promise<z.infer<typeof ListSecretsResponse>> {
  return hub.call(secretsEndpoints.list);
}

export async function deleteSecret(hub: HubClient, name: SecretNameValue): Promise<void> {
  await hub.call(secretsEndpoints.remove, { params: { name } });
}
