import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type InstanceSummary, type OutputSummary, OutputUrlsResponse } from '@podpilot/common';
import { errorText, HttpGetter } from './http-get.js';
import type { HubClient } from './hub-client.js';
import { listInstances, listOutputs, type OutputsFilter } from './outputs-query.js';

export interface PullOptions {
  /** The local folder; files go to `<dir>/<instance>/<path>`. Created when missing. */
  dir: string;
  filter?: OutputsFilter;
  /** Files downloaded at once (default 4). */
  parallel?: number;
  /** Tries per file when the network or storage fails (default 3); a partial file resumes. */
  attempts?: number;
  onProgress?: (progress: PullProgress) => void;
}

export interface PullProgress {
  /** Files finished (pulled, skipped or failed) of all matching. */
  files: number;
  totalFiles: number;
  /** Bytes of the matching files in place (present, resumed or received) of their total. */
  bytes: number;
  totalBytes: number;
  /** Bytes received over the network so far. */
  downloadedBytes: number;
}

export interface PulledFile {
  id: string;
  /** The local file, relative to `dir`, `/`-separated. */
  file: string;
  sizeBytes: number;
}

export interface PullFailure {
  id: string;
  file: string;
  message: string;
}

export interface PullResult {
  /** Files downloaded (or completed from a partial download) in this run. */
  pulled: PulledFile[];
  /** Files already present with the right sha256. */
  skipped: PulledFile[];
  failed: PullFailure[];
  /** Bytes received over the network (less than the pulled sizes when downloads resumed). */
  downloadedBytes: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const UNSAFE_NAME = /[/\\\u0000-\u001f\u007f]/;

/** A name usable as one folder name on any platform's file system. */
const isSafeFolderName = (name: string) =>
  name !== '' &&
  name !== '.' &&
  name !== '..' &&
  name.length <= 200 &&
  !UNSAFE_NAME.test(name) &&
  !/[<>:"|?*]/.test(name) &&
  !/[. ]$/.test(name);

/**
 * The folder of each instance's outputs: its name when that is a safe folder name no other instance
 * shares (ignoring case, for case-insensitive file systems), else its id, so two instances never mix.
 */
export function instanceFolders(instances: InstanceSummary[]): (output: OutputSummary) => string {
  const count = new Map<string, number>();
  for (const i of instances) count.set(i.name.toLowerCase(), (count.get(i.name.toLowerCase()) ?? 0) + 1);
  return (output) =>
    isSafeFolderName(output.instanceName) && count.get(output.instanceName.toLowerCase()) === 1
      ? output.instanceName
      : output.instanceId;
}

/** `a/b.png` for version 1; `a/b.v3.png` for version 3 (`a/.env.v3`, `a/README.v3`). */
export function versionedPath(path: string, version: number): string {
  if (version <= 1) return path;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  return `${path.slice(0, path.length - ext.length)}.v${version}${ext}`;
}

/**
 * Where an output goes: `<dir>/<folder>/<path>`. Throws when a segment is empty, `.`, `..`, absolute or has
 * a backslash, or when the resolved path is not inside `dir` (the hub checks paths too; this does not
 * trust it).
 */
export function targetPath(dir: string, folder: string, path: string): string {
  const root = resolve(dir);
  const segments = [folder, ...path.split('/')];
  if (
    path.startsWith('/') ||
    segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))
  )
    throw new Error(`refusing the path "${path}": it must stay inside ${root}`);
  const target = resolve(root, ...segments);
  if (!target.startsWith(root.endsWith(sep) ? root : root + sep) || relative(root, target).startsWith('..'))
    throw new Error(`refusing the path "${path}": it resolves outside ${root}`);
  return target;
}

/** A failure worth another try (network, storage busy, an expired URL); the partial file stays. */
class RetryableError extends Error {}

/** The bytes arrived but are not the output's: the partial file was deleted. */
class HashMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
    /** The download had resumed a partial file: its first part may have been the wrong bytes. */
    readonly resumed: boolean,
  ) {
    super(`sha256 mismatch: expected ${expected}, got ${actual} (the download was deleted)`);
  }
}

async function hashFile(path: string, hash: Hash = createHash('sha256')): Promise<Hash> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Job {
  output: OutputSummary;
  target: string;
  file: string;
}

/**
 * Downloads every output matching `filter` into `dir`, resumably and idempotently: a file already there
 * with the right sha256 is skipped (its size compared first, then its hash); others download to
 * `<file>.part`, hashed while written, resumed with a `Range` request when a part is there, and renamed into
 * place only when the sha256 matches. A failed file is reported and the others go on.
 */
export async function pullOutputs(hub: HubClient, options: PullOptions): Promise<PullResult> {
  const root = resolve(options.dir);
  const parallel = Math.max(1, options.parallel ?? 4);
  const attempts = Math.max(1, options.attempts ?? 3);
  const [outputs, instances] = await Promise.all([
    listOutputs(hub, options.filter ?? {}),
    listInstances(hub),
  ]);
  const folderOf = instanceFolders(instances);
  const result: PullResult = { pulled: [], skipped: [], failed: [], downloadedBytes: 0 };
  const progress: PullProgress = {
    files: 0,
    totalFiles: outputs.length,
    bytes: 0,
    totalBytes: outputs.reduce((sum, o) => sum + o.sizeBytes, 0),
    downloadedBytes: 0,
  };
  const report = () => options.onProgress?.({ ...progress });

  // Where each output goes. Two outputs on one local file (`a.png` v2 and a real `a.v2.png`): the newest
  // gets it and the other is reported as failed, never silently overwritten.
  const jobs: Job[] = [];
  const byTarget = new Map<string, OutputSummary>();
  const finishFailed = (output: OutputSummary, file: string, message: string) => {
    result.failed.push({ id: output.id, file, message });
    progress.files++;
  };
  for (const output of outputs) {
    const folder = folderOf(output);
    const file = `${folder}/${versionedPath(output.path, output.version)}`;
    let target: string;
    try {
      target = targetPath(root, folder, versionedPath(output.path, output.version));
    } catch (error) {
      finishFailed(output, file, (error as Error).message);
      continue;
    }
    const other = byTarget.get(target);
    if (other) {
      finishFailed(
        output,
        file,
        `another output (${other.path}, version ${other.version}) goes to the same local file`,
      );
      continue;
    }
    byTarget.set(target, output);
    jobs.push({ output, target, file });
  }
  report();

  await mkdir(root, { recursive: true });
  const http = new HttpGetter();
  try {
    let next = 0;
    const worker = async () => {
      for (let job = jobs[next++]; job; job = jobs[next++]) {
        const counted = { bytes: 0 };
        const count = (n: number) => {
          counted.bytes += n;
          progress.bytes += n;
          report();
        };
        const uncount = () => {
          progress.bytes -= counted.bytes;
          counted.bytes = 0;
        };
        const entry = { id: job.output.id, file: job.file, sizeBytes: job.output.sizeBytes };
        try {
          const outcome = await pullOne(hub, http, job, attempts, {
            count,
            uncount,
            received: (n) => {
              progress.downloadedBytes += n;
              result.downloadedBytes += n;
            },
          });
          result[outcome].push(entry);
        } catch (error) {
          uncount();
          result.failed.push({ id: job.output.id, file: job.file, message: (error as Error).message });
        }
        progress.files++;
        report();
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  } finally {
    http.close();
  }
  return result;
}

interface Counters {
  /** Bytes of this file now in place (for the progress). */
  count(n: number): void;
  /** Forget this file's counted bytes (it starts over or failed). */
  uncount(): void;
  /** Bytes received over the network. */
  received(n: number): void;
}

async function pullOne(
  hub: HubClient,
  http: HttpGetter,
  { output, target }: Job,
  attempts: number,
  counters: Counters,
): Promise<'pulled' | 'skipped'> {
  const present = await stat(target).catch(() => null);
  if (present?.isFile() && present.size === output.sizeBytes) {
    if ((await hashFile(target)).digest('hex') === output.sha256) {
      counters.count(output.sizeBytes);
      return 'skipped';
    }
  } else if (present && !present.isFile()) {
    throw new Error(`${target} is in the way (not a file)`);
  }

  await mkdir(dirname(target), { recursive: true });
  const part = `${target}.part`;
  let restartedAfterMismatch = false;
  for (let attempt = 1; ; attempt++) {
    try {
      await downloadToPart(hub, http, output, part, counters);
      break;
    } catch (error) {
      counters.uncount();
      // A resumed part that hashes wrong may have begun with stale bytes: once more from the start.
      if (error instanceof HashMismatchError && error.resumed && !restartedAfterMismatch) {
        restartedAfterMismatch = true;
        attempt--;
        continue;
      }
      if (!(error instanceof RetryableError) || attempt >= attempts) throw error;
      await sleep(250 * 2 ** attempt);
    }
  }
  await rename(part, target);
  if (output.mtime) {
    const mtime = new Date(output.mtime);
    await utimes(target, mtime, mtime).catch(() => {});
  }
  return 'pulled';
}

/** Leaves `part` holding exactly the output's bytes (hash checked), resuming what a part already holds. */
async function downloadToPart(
  hub: HubClient,
  http: HttpGetter,
  output: OutputSummary,
  part: string,
  counters: Counters,
): Promise<void> {
  const size = output.sizeBytes;
  let hash = createHash('sha256');
  let offset = 0;
  const existing = await stat(part).catch(() => null);
  if (existing?.isFile() && existing.size > 0 && existing.size <= size) {
    await hashFile(part, hash);
    offset = existing.size;
    counters.count(offset);
  } else if (existing) {
    await rm(part, { force: true });
  }
  const resumed = offset > 0;
  const check = async () => {
    const actual = hash.digest('hex');
    if (actual !== output.sha256) {
      await rm(part, { force: true });
      throw new HashMismatchError(output.sha256, actual, resumed);
    }
  };
  if (offset === size) {
    // An empty output needs no request; a complete part only its hash check.
    if (size === 0) await writeFile(part, '');
    return check();
  }

  const { url } = await hub.request('GET', `/api/outputs/${output.id}/urls`, { schema: OutputUrlsResponse });
  let res: IncomingMessage;
  try {
    res = await http.get(url, offset > 0 ? { range: `bytes=${offset}-` } : {});
  } catch (error) {
    throw new RetryableError(`downloading failed: ${networkReason(error)}`);
  }
  if (offset > 0 && res.statusCode === 206) {
    const start = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
    if (Number(start?.[1]) !== offset) {
      res.destroy();
      await rm(part, { force: true });
      throw new RetryableError(`storage answered another range (${res.headers['content-range'] ?? 'none'})`);
    }
  } else if (res.statusCode === 200) {
    // A whole answer (no part, or the server ignored the range): start over.
    if (offset > 0) {
      counters.uncount();
      hash = createHash('sha256');
      offset = 0;
    }
  } else if (res.statusCode === 416) {
    res.destroy();
    await rm(part, { force: true });
    throw new RetryableError('storage refused to resume the partial file; starting over');
  } else {
    const status = res.statusCode ?? 0;
    const message = `storage answered ${status} ${res.statusMessage ?? ''}`.trim();
    const detail = await errorText(res);
    const text = `${message}${detail ? `: ${detail}` : ''}`;
    // 403: the URL may have expired; 408/429/5xx: storage is busy. A new URL and another try may do.
    if (status === 403 || status === 408 || status === 429 || status >= 500) throw new RetryableError(text);
    throw new Error(text);
  }

  let received = offset;
  try {
    await pipeline(
      res,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          received += chunk.length;
          if (received > size) throw new Error(`storage sent more than the ${size} bytes expected`);
          hash.update(chunk);
          counters.received(chunk.length);
          counters.count(chunk.length);
          yield chunk;
        }
      },
      createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' }),
    );
  } catch (error) {
    if (received > size) {
      await rm(part, { force: true });
      throw error;
    }
    if ((error as NodeJS.ErrnoException).syscall && !isNetworkError(error)) throw error;
    throw new RetryableError(
      `the download broke off after ${received} of ${size} bytes: ${networkReason(error)}`,
    );
  }
  if (received < size) throw new RetryableError(`the download ended after ${received} of ${size} bytes`);
  await check();
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

function isNetworkError(error: unknown): boolean {
  return NETWORK_CODES.has((error as NodeJS.ErrnoException).code ?? '');
}

function networkReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code && !e.message.includes(e.code) ? `${e.code} ${e.message}` : e.message;
}
