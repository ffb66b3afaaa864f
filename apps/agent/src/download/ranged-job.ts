import type { FileHandle } from 'node:fs/promises';
import type { OrderedHash } from './hasher.js';
import type { Journal } from './journal.js';
import type { RetryPolicy } from './retry.js';

/** What downloadRanges (ranged.ts) fetches, where to, and how. */
export interface RangedJob {
  url: URL;
  headers: Record<string, string>;
  model: string;
  /** The pre-sized `.part` file, opened read/write. */
  file: FileHandle;
  journal: Journal;
  size: number;
  chunkSize: number;
  etag: string | null;
  /** Chunks already on disk (from the journal): not fetched, hashed from disk. */
  done: ReadonlySet<number>;
  /** Chunks partly on disk (from the journal): index -> bytes at their start that are not fetched again. */
  prefixes: ReadonlyMap<number, number>;
  hash: OrderedHash;
  /** Most parallel connections (see ConnectionGovernor for how many are held). */
  connections: number;
  /** Connections at the start. */
  initialConnections: number;
  /** How often the throughput is measured and the connection count adapted. */
  adaptEveryMs: number;
  /** Chunks held in memory beyond one per connection, waiting for their turn at the hash. */
  windowSlack: number;
  retry: RetryPolicy;
  signal: AbortSignal;
  onBytes: (received: number) => void;
}
