import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
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
 * The hub to talk to: `PODPILOT_URL` + `PODPILOT_TOKEN` when both are set (scripts, CI), else what
 * `podpilot login` stored. Throws CliError saying how to log in.
 */
export async function loadCredentials(env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  if (env.PODPILOT_URL && env.PODPILOT_TOKEN) return { hubUrl: env.PODPILOT_URL, token: env.PODPILOT_TOKEN };
  let text: string;
  try {
    text = await readFile(file(env), 'utf8');
  } catch {
    throw new CliError(
      'not logged in: run `podpilot login <hub URL>` (or set PODPILOT_URL and PODPILOT_TOKEN)',
    );
  }
  const parsed = Credentials.safeParse(JSON.parse(text));
  if (!parsed.success) throw new CliError(`${file(env)} is damaged: run \`podpilot login <hub URL>\` again`);
  return parsed.data;
}
