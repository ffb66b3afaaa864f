import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { FilePathInStorage, filesEndpoints, MAX_FILE_SIZE } from '@podpilot/common';
import type { Command } from 'commander';
import { CliError } from '../lib/cli-error.js';
import { loadCredentials } from '../lib/credentials.js';
import { HubClient } from '../lib/hub-client.js';
import { formatBytes, printJson, printTable } from '../lib/output.js';

const client = async () => new HubClient(await loadCredentials());

/** The storage path a file is pushed as: `--as`, or the file's base name; checked before anything is sent. */
function storagePath(file: string, as: string | undefined): string {
  const path = as ?? basename(file);
  const parsed = FilePathInStorage.safeParse(path);
  if (parsed.success) return parsed.data;
  const problem = parsed.error.issues[0]?.message ?? 'expected a relative path';
  if (as !== undefined) throw new CliError(`--as: ${problem}, got "${as}"`);
  throw new CliError(`"${path}" cannot be a storage path; choose one with --as <path>`, [problem]);
}

/** PUTs the file to a presigned URL, streaming it from disk with its exact `Content-Length`. */
async function putFile(path: string, url: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'PUT', body: await openAsBlob(path) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `uploading to storage failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    );
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    const detail = text.match(/<Message>([^<]*)<\/Message>/)?.[1] ?? text.slice(0, 200).trim();
    throw new CliError(
      `storage refused the upload: ${res.status} ${res.statusText}${detail ? ` (${detail})` : ''}`,
    );
  }
}

/** `podpilot files …`: config files and other assets in storage, for profiles' `files[].storage`. */
export function registerFilesCommands(program: Command): void {
  const files = program
    .command('files')
    .description('files in storage (files/<path>) that profiles reference as files[].storage');

  files
    .command('push')
    .description('upload a file to storage as files/<path> (replacing any previous one)')
    .argument('<local-file>')
    .option('--as <path>', 'path under files/ (default: the file name)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { as?: string; json?: boolean }) => {
      const local = resolve(file);
      const info = await stat(local).catch(() => null);
      if (!info?.isFile()) throw new CliError(`${file}: no such file`);
      if (info.size > MAX_FILE_SIZE)
        throw new CliError(
          `${file}: ${formatBytes(info.size)} is more than one upload takes (${formatBytes(MAX_FILE_SIZE)}); push it as a model instead`,
        );
      const path = storagePath(file, opts.as);
      const start = await (await client()).call(filesEndpoints.startUpload, {
        body: { path, sizeBytes: info.size },
      });
      await putFile(local, start.url);
      if (opts.json) return printJson({ key: start.key, sizeBytes: info.size });
      process.stdout.write(`${start.key} (${formatBytes(info.size)})\n`);
      process.stdout.write(
        `use it in a profile: files: [{ path: <where in the UI>, storage: ${start.key} }]\n`,
      );
    });

  files
    .command('ls')
    .description('list the files in storage')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { files: list } = await (await client()).call(filesEndpoints.list);
      if (opts.json) return printJson(list);
      if (!list.length) return void process.stdout.write('No files yet: podpilot files push FILE\n');
      printTable(
        ['KEY', 'SIZE', 'UPDATED'],
        list.map((f) => [f.key, formatBytes(f.sizeBytes), f.updatedAt.replace(/\.\d+Z$/, 'Z')]),
      );
    });
}
