import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FileServer } from './file-server.js';

/** A request a fake site or its CDN received: where, and which Authorization came with it. */
export interface SiteRequest {
  method: string;
  path: string;
  host: string;
  authorization: string | undefined;
}

/**
 * A loopback HTTP server for one fake site, at `http://127.0.0.1:<port>`; `routes` answers by path. Every
 * request is recorded. The CDN/storage it redirects to is a FileServer reached as `localhost` on another
 * port: another origin, as the real CDNs are.
 */
abstract class FakeSite {
  readonly requests: SiteRequest[] = [];
  readonly cdn = new FileServer();
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    await this.cdn.start();
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.requests.push({
        method: req.method ?? 'GET',
        path,
        host: req.headers.host ?? '',
        authorization: req.headers.authorization,
      });
      this.answer(req, res, path);
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Every Authorization header the CDN received (none expected). */
  cdnAuthorizations(): (string | undefined)[] {
    return this.cdn.requests.map((r) => r.authorization);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
    await this.cdn.close();
  }

  protected abstract answer(req: IncomingMessage, res: ServerResponse, path: string): unknown;
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/**
 * Hugging Face's `resolve` route for one gated file: 401 without a token, 403 with another token (licence
 * not accepted), else a 302 to the CDN carrying `X-Linked-Etag` (the LFS sha256) and `X-Linked-Size`, as
 * huggingface.co answers for LFS files.
 */
export class FakeHuggingFace extends FakeSite {
  /** `/<org>/<repo>/resolve/main/<file>` of the one gated file. */
  readonly path: string;

  constructor(
    readonly token: string,
    readonly file: { org: string; repo: string; name: string; data: Buffer; sha256: string },
  ) {
    super();
    this.path = `/${file.org}/${file.repo}/resolve/main/${file.name}`;
  }

  get url(): string {
    return `${this.origin}${this.path}`;
  }

  override async start(): Promise<this> {
    await super.start();
    this.cdn.files.set(`/repos/${this.file.sha256}`, { data: this.file.data });
    return this;
  }

  protected answer(req: IncomingMessage, res: ServerResponse, path: string): unknown {
    if (path !== this.path) return json(res, 404, { error: 'Entry not found' });
    const auth = req.headers.authorization;
    if (!auth)
      return json(res, 401, { error: `Access to model ${this.file.org}/${this.file.repo} is restricted` });
    if (auth !== `Bearer ${this.token}`) return json(res, 403, { error: 'Please accept the license' });
    res
      .writeHead(302, {
        location: this.cdn.url(`/repos/${this.file.sha256}?X-Amz-Signature=cdn`, 'localhost'),
        'x-linked-etag': `"${this.file.sha256}"`,
        'x-linked-size': String(this.file.data.length),
      })
      .end();
  }
}

/** One file of a fake Civitai version. */
export interface FakeCivitaiFile {
  name: string;
  data: Buffer;
  sha256: string;
  type?: string;
  primary?: boolean;
}

/**
 * Civitai's REST API for one model with versions (newest first) and its download route: `GET
 * /api/v1/model-versions/<id>`, `GET /api/v1/models/<id>`, and `/api/download/models/<versionId>` (401 without
 * the token when `requireToken`), which 307-redirects to the storage host, whose answer names the file in
 * Content-Disposition. Hashes are uppercase hex and sizes in KB, as Civitai publishes them.
 */
export class FakeCivitai extends FakeSite {
  requireToken = true;

  constructor(
    readonly token: string,
    readonly modelId: number,
    /** Newest first. */
    readonly versions: { id: number; files: FakeCivitaiFile[] }[],
  ) {
    super();
  }

  downloadUrl(versionId: number, type?: string): string {
    return `${this.origin}/api/download/models/${versionId}${type ? `?type=${encodeURIComponent(type)}` : ''}`;
  }

  override async start(): Promise<this> {
    await super.start();
    for (const v of this.versions)
      for (const f of v.files)
        this.cdn.files.set(`/files/${f.sha256}`, {
          data: f.data,
          headers: { 'content-disposition': `attachment; filename="${f.name}"` },
        });
    return this;
  }

  protected answer(req: IncomingMessage, res: ServerResponse, path: string): unknown {
    const version = /^\/api\/v1\/model-versions\/(\d+)$/.exec(path);
    if (version) {
      const found = this.versions.find((v) => v.id === Number(version[1]));
      return found ? json(res, 200, this.versionJson(found)) : json(res, 404, { error: 'No model version' });
    }
    if (path === `/api/v1/models/${this.modelId}`)
      return json(res, 200, {
        id: this.modelId,
        name: 'fake',
        modelVersions: this.versions.map((v) => this.versionJson(v)),
      });
    const download = /^\/api\/download\/models\/(\d+)$/.exec(path);
    const v = download && this.versions.find((x) => x.id === Number(download[1]));
    if (!v) return json(res, 404, { error: 'not found' });
    if (this.requireToken && req.headers.authorization !== `Bearer ${this.token}`)
      return json(res, 401, {
        error: 'The creator of this asset requires you to be logged in to download it',
      });
    const type = new URL(req.url ?? '/', 'http://x').searchParams.get('type');
    const file = v.files.find((f) => (type ? f.type === type : f.primary)) ?? v.files[0];
    if (!file) return json(res, 404, { error: 'no file' });
    res
      .writeHead(307, {
        location: this.cdn.url(`/files/${file.sha256}?X-Amz-Signature=storage`, 'localhost'),
      })
      .end();
  }

  private versionJson(v: { id: number; files: FakeCivitaiFile[] }) {
    return {
      id: v.id,
      modelId: this.modelId,
      name: `v${v.id}`,
      files: v.files.map((f) => ({
        id: v.id * 10,
        name: f.name,
        type: f.type ?? 'Model',
        sizeKB: f.data.length / 1024,
        metadata: { format: 'SafeTensor', size: 'pruned', fp: 'fp16' },
        hashes: { AutoV2: f.sha256.slice(0, 10).toUpperCase(), SHA256: f.sha256.toUpperCase() },
        downloadUrl: this.downloadUrl(v.id, f.primary ? undefined : f.type),
        primary: f.primary ?? false,
      })),
      downloadUrl: this.downloadUrl(v.id),
    };
  }
}
