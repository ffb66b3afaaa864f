import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { OutputSummary } from '@podpilot/common';
import { HttpGetter } from './http-get.js';
import type { HubClient } from './hub-client.js';
import { type PullJob, pullOne } from './output-download.js';
import { listInstances, listOutputs, type OutputsFilter } from './outputs-query.js';
import { instanceFolders, targetPath, versionedPath } from './pull-paths.js';

export { instanceFolders, targetPath, versionedPath } from './pull-paths.js';

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

/**
 * Downloads every output matching `filter` into `dir`, resumably and idempotently: a file already there
 * with the right sha256 is skipped (its size compared first, then its hash); others download to
 * `<file>.part`, hashed while written, resumed with a `Range` request when a part is there, and renamed into
 * place only when the sha256 matches. A failed file is reported and the others go on.
 */
export async function pullOutputs(hub: HubClient, options: PullOptions): Promise<PullResult> {
  const root = resolve(options.dir);
  const [outputs, instances] = await Promise.all([
    listOutputs(hub, options.filter ?? {}),
    listInstances(hub),
  ]);
  const result: PullResult = { pulled: [], skipped: [], failed: [], downloadedBytes: 0 };
  const progress: PullProgress = {
    files: 0,
    totalFiles: outputs.length,
    bytes: 0,
    totalBytes: outputs.reduce((sum, o) => sum + o.sizeBytes, 0),
    downloadedBytes: 0,
  };
  const report = () => options.onProgress?.({ ...progress });
  const jobs = planJobs(root, outputs, instanceFolders(instances), (output, file, message) => {
    result.failed.push({ id: output.id, file, message });
    progress.files++;
  });
  report();
  await mkdir(root, { recursive: true });
  const http = new HttpGetter();
  try {
    await runJobs(jobs, Math.max(1, options.parallel ?? 4), (job) =>
      pullJob(hub, http, job, Math.max(1, options.attempts ?? 3), { result, progress, report }),
    );
  } finally {
    http.close();
  }
  return result;
}

/**
 * Where each output goes. Two outputs on one local file (`a.png` v2 and a real `a.v2.png`): the newest gets
 * it and the other is reported as failed, never silently overwritten; so is a path that cannot be a file.
 */
function planJobs(
  root: string,
  outputs: OutputSummary[],
  folderOf: (output: OutputSummary) => string,
  fail: (output: OutputSummary, file: string, message: string) => void,
): PullJob[] {
  const jobs: PullJob[] = [];
  const byTarget = new Map<string, OutputSummary>();
  for (const output of outputs) {
    const folder = folderOf(output);
    const file = `${folder}/${versionedPath(output.path, output.version)}`;
    let target: string;
    try {
      target = targetPath(root, folder, versionedPath(output.path, output.version));
    } catch (error) {
      fail(output, file, (error as Error).message);
      continue;
    }
    const other = byTarget.get(target);
    if (other) {
      fail(
        output,
        file,
        `another output (${other.path}, version ${other.version}) goes to the same local file`,
      );
      continue;
    }
    byTarget.set(target, output);
    jobs.push({ output, target, file });
  }
  return jobs;
}

/** Runs `work` on the jobs, `parallel` at a time, in order. */
async function runJobs(
  jobs: PullJob[],
  parallel: number,
  work: (job: PullJob) => Promise<void>,
): Promise<void> {
  if (!jobs.length) return;
  let next = 0;
  const worker = async () => {
    for (let job = jobs[next++]; job; job = jobs[next++]) await work(job);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
}

/** The run's shared tallies. */
interface Tally {
  result: PullResult;
  progress: PullProgress;
  report: () => void;
}

/** Pulls one job, keeping the progress and the result up to date whatever happens. */
async function pullJob(
  hub: HubClient,
  http: HttpGetter,
  job: PullJob,
  attempts: number,
  { result, progress, report }: Tally,
): Promise<void> {
  const counted = { bytes: 0 };
  const uncount = () => {
    progress.bytes -= counted.bytes;
    counted.bytes = 0;
  };
  const entry = { id: job.output.id, file: job.file, sizeBytes: job.output.sizeBytes };
  try {
    const outcome = await pullOne(hub, http, job, attempts, {
      count: (n) => {
        counted.bytes += n;
        progress.bytes += n;
        report();
      },
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
