import { createHash } from 'node:crypto';
import { type FileHandle, open, rm, stat } from 'node:fs/promises';
import { warmHashWorker, workerHash } from './hasher.js';
import type { HttpPool } from './http.js';
import { Journal, type JournalHeader, readJournal, sameSource } from './journal.js';
import { type Probe, probe } from './probe.js';
import type { ProgressMeter } from './progress.js';
import { downloadRanges } from './ranged.js';
import { type RetryPolicy, withRetry } from './retry.js';
import { downloadSequential } from './sequential.js';
import type { DownloadSource } from './types.js';

/**
 * Chunks buffered beyond one per connection, so a connection that finishes ahead of the one holding up the
 * hash can go on. Kept small on purpose: measured here, buffer memory (page faults on first touch) cost more
 * than the head-of-line waits it would save (2x connections with 16 MiB chunks ran at ~60% of this).
 */
const WINDOW_SLACK = 2;

export interface PartJob {
  pool: HttpPool;
  source: DownloadSource;
  model: string;
  /** `<cache>/tmp/<hex>.part`; its journal is `<part>.journal`. */
  part: string;
  /** Most parallel connections, and how many to start with. */
  connections: number;
  initialConnections: number;
  adaptEveryMs: number;
  chunkSize: number;
  retry: RetryPolicy;
  signal: AbortSignal;
  meter: ProgressMeter;
}

export interface PartResult {
  /** Hex sha256 of the bytes. */
  sha256: string;
  size: number;
  /** Some bytes came from an earlier, interrupted call (trusting its journal). */
  resumed: boolean;
}

/**
 * Brings the whole file into `part`, hashed in stream, and fsyncs it. Parallel and resumable when the server
 * honours Range and gives a size; otherwise one sequential stream. On failure the part and its journal stay
 * for a later resume (ranged) or are removed (sequential, which cannot resume).
 */
export async function downloadToPart(job: PartJob): Promise<PartResult> {
  warmHashWorker(); // starts while the probe is in flight
  const found = await withRetry(
    () => probe(job.pool, job.source, job.model, job.signal),
    job.retry,
    job.signal,
  );
  job.meter.fetched += found.fetchedBytes;
  return found.ranges && found.size ? rangedToPart(job, found, found.size) : sequentialToPart(job, found);
}

/** One stream into a new part file; the part is removed on failure (it cannot resume). */
async function sequentialToPart(job: PartJob, found: Probe): Promise<PartResult> {
  await rm(`${job.part}.journal`, { force: true });
  job.meter.start(found.size, 0);
  const file = await open(job.part, 'w+');
  let failed = false;
  try {
    const { hash, size } = await downloadSequential({
      pool: job.pool,
      url: found.url,
      headers: found.headers,
      model: job.model,
      file,
      first: found.full,
      newHash: () => createHash('sha256'),
      retry: job.retry,
      signal: job.signal,
      onBytes: (n) => job.meter.add(n),
    });
    await file.datasync();
    return { sha256: hash.digest('hex'), size, resumed: false };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await file.close().catch(() => {});
    if (failed) await rm(job.part, { force: true }); // cannot resume: do not keep the bytes
  }
}

/** The part file and its journal, resumed from an earlier call or made anew (pre-sized). */
interface OpenedPart {
  file: FileHandle;
  journal: Journal;
  header: JournalHeader;
  done: Set<number>;
  prefixes: Map<number, number>;
}

/** Resumes only onto the same file on the server (size, ETag, Last-Modified) and an intact part file. */
async function openPart(job: PartJob, found: Probe, size: number): Promise<OpenedPart> {
  const journalPath = `${job.part}.journal`;
  const wanted = { size, etag: found.etag, lastModified: found.lastModified };
  const previous = await readJournal(journalPath);
  const partSize = (await stat(job.part).catch(() => null))?.size;
  const resume = previous && sameSource(previous.header, wanted) && partSize === size ? previous : null;
  const header: JournalHeader = resume?.header ?? { v: 1, ...wanted, chunkSize: job.chunkSize };
  const done = resume?.done ?? new Set<number>();
  const prefixes = resume?.prefixes ?? new Map<number, number>();
  if (resume) {
    const file = await open(job.part, 'r+');
    return { file, journal: await Journal.append(journalPath), header, done, prefixes };
  }
  await rm(journalPath, { force: true }); // first: a kill below must not leave an old journal over a new file
  const file = await open(job.part, 'w+');
  await file.truncate(size); // pre-sized (sparse): every chunk is a positional write
  return { file, journal: await Journal.create(journalPath, header), header, done, prefixes };
}

/** Parallel Range requests into the (resumed) part file; the part and its journal stay on failure. */
async function rangedToPart(job: PartJob, found: Probe, size: number): Promise<PartResult> {
  const { file, journal, header, done, prefixes } = await openPart(job, found, size);
  const present =
    [...done].reduce((sum, i) => sum + Math.min(header.chunkSize, size - i * header.chunkSize), 0) +
    [...prefixes.values()].reduce((sum, bytes) => sum + bytes, 0);
  job.meter.start(size, present);
  const hash = workerHash();
  try {
    await downloadRanges({
      url: found.url,
      headers: found.headers,
      model: job.model,
      file,
      journal,
      size,
      chunkSize: header.chunkSize,
      etag: found.etag,
      done,
      prefixes,
      hash,
      connections: job.connections,
      initialConnections: job.initialConnections,
      adaptEveryMs: job.adaptEveryMs,
      windowSlack: WINDOW_SLACK,
      retry: job.retry,
      signal: job.signal,
      onBytes: (n) => job.meter.add(n),
    });
    await file.datasync(); // the cache must never hold bytes still only in the page cache
  } finally {
    await journal.close().catch(() => {});
    await file.close().catch(() => {});
  }
  return { sha256: await hash.digest(), size, resumed: present > 0 };
}
