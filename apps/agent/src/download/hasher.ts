import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** A sha256 fed in file order whose work may run elsewhere. */
export interface OrderedHash {
  /** Feeds `bytes`; resolves once they were consumed, so their buffer may be reused. */
  update(bytes: Buffer): Promise<void>;
  /** The hex digest; call once, after the last update resolved. */
  digest(): Promise<string>;
  /** Forgets the state of a hash that will not be finished. */
  abandon(): void;
}

/** The same interface over a plain in-thread Hash (the sequential path, tests of the fallback). */
export function inThreadHash(hash: Hash = createHash('sha256')): OrderedHash {
  return {
    update: async (bytes) => void hash.update(bytes),
    digest: async () => hash.digest('hex'),
    abandon: () => {},
  };
}

// Plain JS for `eval`: a worker file would need a build step that tsx and vitest do not run.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', ({ op, id, bytes }) => {
  let hash = hashes.get(id);
  if (!hash) hashes.set(id, (hash = createHash('sha256')));
  if (op === 'update') hash.update(bytes);
  else hashes.delete(id);
  parentPort.postMessage({ id, hex: op === 'digest' ? hash.digest('hex') : undefined });
});`;

type Waiter = { resolve: (hex: string | undefined) => void; reject: (error: unknown) => void };

/**
 * One worker thread shared by all downloads of the process, hashing SharedArrayBuffer-backed chunks in place
 * (a message carries a view, not a copy). Why: on the main thread SHA-256 (~1.4 GiB/s here) took as much
 * time as receiving, and the two cannot overlap there. The worker holds the process up only while work
 * is pending; if it dies, pending hashes fail and the next download starts a new one.
 */
class HashWorker {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiter[]>();
  private pending = 0;

  send(id: number, op: 'update' | 'digest' | 'drop', bytes?: Buffer): Promise<string | undefined> {
    const worker = this.start();
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(id) ?? [];
      queue.push({ resolve, reject });
      this.waiting.set(id, queue);
      if (this.pending++ === 0) worker.ref();
      worker.postMessage({ op, id, bytes });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER, { eval: true });
    worker.unref();
    worker.on('message', ({ id, hex }: { id: number; hex?: string }) => {
      const queue = this.waiting.get(id);
      const waiter = queue?.shift();
      if (queue?.length === 0) this.waiting.delete(id);
      if (--this.pending === 0) worker.unref();
      waiter?.resolve(hex);
    });
    const down = (error: unknown) => {
      this.worker = null;
      this.pending = 0;
      for (const queue of this.waiting.values()) for (const w of queue) w.reject(error);
      this.waiting.clear();
    };
    worker.on('error', down);
    worker.on('exit', (code) => down(new Error(`the hash worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}

const shared = new HashWorker();
let nextId = 1;

/** Starts the worker ahead of need (it takes tens of ms), e.g. while the first request is in flight. */
export function warmHashWorker(): void {
  void shared.send(0, 'drop').catch(() => {});
}

/**
 * A sha256 computed on the shared worker thread. Bytes not backed by a SharedArrayBuffer are hashed
 * there too, but copied on the way.
 */
export function workerHash(): OrderedHash {
  const id = nextId++;
  return {
    update: async (bytes) => void (await shared.send(id, 'update', bytes)),
    digest: async () => (await shared.send(id, 'digest')) ?? '',
    abandon: () => void shared.send(id, 'drop').catch(() => {}),
  };
}
