import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import * as z from 'zod';
import { CliError } from './cli-error.js';

const Credentials = z.object({ hubUrl: z.url(), token: z.string().min(1) });
export type Credentials = z.infer<typeof Credentials>;

/** `$PODPILOT_CONFIG_DIR`, else the platform's config dir (`~/.config/podpilot` on Linux). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PODPILOT_CONFIG_DIR || envPaths('podpilot', { suffix: '' }).config;
}

const file = (env: NodeJS.ProcessEnv) => join(configDir(env), 'credentials.json');

/** Stores the hub URL and API token, readable by the user only. */
export async function saveCredentials(
  credentials: Credentials,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const path = file(env);
  await mkdir(configDir(env), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

export async function forgetCredentials(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await rm(file(env), { force: true });
}

/**
 * The hub to talk to: `PODPILOT_URL` and `PODPILOT_TOKEN` (scripts, CI) over what `podpilot login` stored — the
 * token alone uses the stored hub; the URL alone uses the stored token only when it was stored for that same
 * hub (a token is never sent to another one). Throws CliError saying how to log in.
 */
export async function loadCredentials(env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  if (env.PODPILOT_URL && env.PODPILOT_TOKEN) return { hubUrl: env.PODPILOT_URL, token: env.PODPILOT_TOKEN };
  const stored = await storedCredentials(env);
  const url = env.PODPILOT_URL?.replace(/\/+$/, '');
  if (url && stored?.hubUrl !== url)
    throw new CliError(
      `PODPILOT_URL is set but no token for ${url}: set PODPILOT_TOKEN or run \`podpilot login ${url}\``,
    );
  if (!stored)
    throw new CliError(
      'not logged in: run `podpilot login <hub URL>` (or set PODPILOT_URL and PODPILOT_TOKEN)',
    );
  return env.PODPILOT_TOKEN ? { ...stored, token: env.PODPILOT_TOKEN } : stored;
}

/** What `podpilot login` stored, or null when nothing is. Throws CliError when the file is damaged. */
async function storedCredentials(env: NodeJS.ProcessEnv): Promise<Credentials | null> {
  let text: string;
  try {
    text = await readFile(file(env), 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = Credentials.safeParse(json);
  if (!parsed.success) throw new CliError(`${file(env)} is damaged: run \`podpilot login <hub URL>\` again`);
  return parsed.data;
}
