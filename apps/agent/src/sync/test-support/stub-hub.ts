import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfirmOutputsRequest,
  type ConfirmOutputsResponse,
  type OutputFile,
  type OutputUploadPlan,
  PresignOutputPartsRequest,
  PresignOutputsRequest,
  PresignOutputsResponse,
} from '@podpilot/common';
import type { OutputHub } from '../types.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const etagOf = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;

const body = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * An object store on 127.0.0.1 that keeps PUT bodies in memory: `PUT /o/<key>` (a whole file) and
 * `PUT /p/<uploadId>/<partNumber>` (a part), each answering an MD5 ETag like S3. `failStatus` makes every
 * request fail with that status (an outage); `onPut` runs before a PUT is stored (to change files mid-flight).
 */
export class StubStorage {
  readonly objects = new Map<string, Buffer>();
  readonly parts = new Map<string, Map<number, { body: Buffer; etag: string }>>();
  /** Stored PUTs of whole files, per key. */
  readonly puts = new Map<string, number>();
  failStatus: number | null = null;
  failed = 0;
  onPut: ((key: string) => Promise<void> | void) | null = null;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly port: number,
  ) {}

  static async start(): Promise<StubStorage> {
    let storage: StubStorage | null = null;
    const server = createServer((req, res) => {
      void (storage as StubStorage).handle(req).then(
        ({ status, etag }) => {
          res.writeHead(status, etag ? { etag } : {});
          res.end(status >= 300 ? 'SlowDown' : '');
        },
        (error) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    storage = new StubStorage(server, `http://127.0.0.1:${port}`, port);
    return storage;
  }

  /** Whole-file PUTs stored for keys of this path. */
  putsOf(path: string): number {
    let n = 0;
    for (const [key, count] of this.puts) if (key.startsWith(`${path}#`)) n += count;
    return n;
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** A real outage: stops listening and destroys every connection (requests in flight die, new ones are refused). */
  stop(): Promise<void> {
    return this.close();
  }

  /** Back from `stop`: listens again on the same port. */
  restart(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; etag?: string }> {
    const bytes = await body(req);
    if (this.failStatus !== null) {
      this.failed++;
      return { status: this.failStatus };
    }
    const [, kind, a, b] = (req.url ?? '').split('/');
    if (req.method !== 'PUT' || !a) return { status: 400 };
    if (kind === 'o') {
      const key = decodeURIComponent(a);
      await this.onPut?.(key);
      this.objects.set(key, bytes);
      this.puts.set(key, (this.puts.get(key) ?? 0) + 1);
      return { status: 200, etag: etagOf(bytes) };
    }
    if (kind === 'p' && b) {
      const upload = this.parts.get(a) ?? new Map();
      this.parts.set(a, upload);
      upload.set(Number(b), { body: bytes, etag: etagOf(bytes) });
      return { status: 200, etag: etagOf(bytes) };
    }
    return { status: 404 };
  }
}

export interface IndexedVersion {
  version: number;
  sha256: string;
  sizeBytes: number;
  key: string;
  id: string;
}

/** The hub is away (the name HubConnection gives this error). */
export class HubDown extends Error {
  override name = 'HubUnavailableError';
}

/** The hub said no (the name HubConnection gives this error). */
export class HubRefused extends Error {
  override name = 'AgentRejectedError';
}

/**
 * The hub's side of the outputs protocol, faithful to the schemas (every request and answer is parsed), on
 * top of StubStorage: presign answers `indexed` for a path whose latest version has that sha256, `multipart`
 * above `multipartOver` bytes, `put` otherwise; confirm checks the stored bytes against the size and sha256
 * (a mismatch is recorded in `problems` and not confirmed), and is idempotent per key.
 */
export class StubHub implements OutputHub {
  readonly index = new Map<string, IndexedVersion[]>();
  readonly presigned: OutputFile[][] = [];
  readonly confirms: number[] = [];
  readonly problems: string[] = [];
  down = false;
  multipartOver = 1 << 20;
  partSize = 256 * 1024;
  onPresign: ((files: OutputFile[]) => Promise<void> | void) | null = null;
  /** Presign requests holding this path are refused (like a 400 naming a field). */
  refusePath: string | null = null;
  private readonly uploads = new Map<string, { path: string; version: number; uploadId?: string }>();
  private readonly byKey = new Map<string, IndexedVersion>();

  constructor(readonly storage: StubStorage) {}

  /** Files presigned so far (every call, duplicates included). */
  get presignedFiles(): number {
    return this.presigned.reduce((n, b) => n + b.length, 0);
  }

  latest(path: string): IndexedVersion | undefined {
    return this.index.get(path)?.at(-1);
  }

  async presignOutputs(files: OutputFile[]) {
    PresignOutputsRequest.parse({ files });
    if (this.down) throw new HubDown('hub answered 503');
    this.presigned.push(files);
    await this.onPresign?.(files);
    if (files.some((f) => f.path === this.refusePath)) throw new HubRefused(`hub refused ${this.refusePath}`);
    const plans = files.map((f): OutputUploadPlan => {
      const latest = this.latest(f.path);
      if (latest?.sha256 === f.sha256) return { path: f.path, status: 'indexed', version: latest.version };
      const version = (latest?.version ?? 0) + 1;
      const key = `${f.path}#${version}#${randomUUID()}`;
      if (f.sizeBytes > this.multipartOver) {
        const uploadId = randomUUID();
        this.uploads.set(key, { path: f.path, version, uploadId });
        const partCount = Math.max(1, Math.ceil(f.sizeBytes / this.partSize));
        return {
          path: f.path,
          status: 'multipart',
          key,
          version,
          uploadId,
          partSize: this.partSize,
          partCount,
        };
      }
      this.uploads.set(key, { path: f.path, version });
      const url = `${this.storage.url}/o/${encodeURIComponent(key)}`;
      return { path: f.path, status: 'put', key, version, url };
    });
    return PresignOutputsResponse.parse({
      files: plans,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
  }

  async outputParts(key: string, uploadId: string, partNumbers: number[]) {
    PresignOutputPartsRequest.parse({ key, uploadId, partNumbers });
    if (this.down) throw new HubDown('hub answered 503');
    return partNumbers.map((n) => ({ partNumber: n, url: `${this.storage.url}/p/${uploadId}/${n}` }));
  }

  async confirmOutputs(files: ConfirmOutputsRequest['files']): Promise<ConfirmOutputsResponse> {
    ConfirmOutputsRequest.parse({ files });
    if (this.down) throw new HubDown('hub answered 503');
    this.confirms.push(files.length);
    const confirmed: ConfirmOutputsResponse['confirmed'] = [];
    for (const f of files) {
      const known = this.byKey.get(f.key);
      if (known) {
        confirmed.push({ path: f.path, version: known.version, id: known.id });
        continue;
      }
      const upload = this.uploads.get(f.key);
      let bytes: Buffer | undefined;
      if (upload?.uploadId) {
        const stored = this.storage.parts.get(upload.uploadId);
        const parts = f.parts ?? [];
        const ok = parts.every(
          (p, i) => p.partNumber === i + 1 && stored?.get(p.partNumber)?.etag === p.etag,
        );
        if (ok && parts.length)
          bytes = Buffer.concat(parts.map((p) => stored?.get(p.partNumber)?.body as Buffer));
      } else bytes = this.storage.objects.get(f.key);
      if (!upload || !bytes || bytes.length !== f.sizeBytes || sha256(bytes) !== f.sha256) {
        this.problems.push(`${f.path}: stored bytes do not match (${bytes?.length} bytes)`);
        continue;
      }
      const v: IndexedVersion = {
        version: upload.version,
        sha256: f.sha256,
        sizeBytes: f.sizeBytes,
        key: f.key,
        id: randomUUID(),
      };
      this.index.set(f.path, [...(this.index.get(f.path) ?? []), v]);
      this.byKey.set(f.key, v);
      confirmed.push({ path: f.path, version: v.version, id: v.id });
    }
    return { confirmed };
  }
}
