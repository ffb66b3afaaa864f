import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { versionedPath, type ZipOutputsResponse } from '@podpilot/common';
import { ZipFile } from 'yazl';
import type { Db } from '../../db/db.js';
import { notFound } from '../../lib/http-error.js';
import { OutputZipsRepository } from '../../repositories/output-zips.repository.js';
import type { OutputRow } from '../../repositories/outputs-sql.js';
import type { ObjectStorage } from '../../storage/index.js';

/** How long a zip link works. */
export const ZIP_TTL_MS = 15 * 60_000;

const hashOf = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

/** Each output's name in the zip: `<instance>/<path>` (`.vN` before the extension for version N > 1). */
function entryNames(rows: OutputRow[]): string[] {
  const idsByName = new Map<string, Set<string>>();
  for (const row of rows)
    idsByName.set(row.instanceName, (idsByName.get(row.instanceName) ?? new Set()).add(row.instanceId));
  // Two instances of one name (one replaced the other) each get their id as the folder instead.
  return rows.map((row) => {
    const folder = (idsByName.get(row.instanceName)?.size ?? 0) > 1 ? row.instanceId : row.instanceName;
    return `${folder}/${versionedPath(row.path, row.version)}`;
  });
}

/** A zip of the outputs, stored (images are compressed already), its size known before the first byte. */
async function zipOf(rows: OutputRow[], storage: ObjectStorage): Promise<{ stream: Readable; size: number }> {
  const zip = new ZipFile();
  const names = entryNames(rows);
  rows.forEach((row, i) => {
    const options = { compress: false, size: row.sizeBytes, mtime: row.mtime ?? row.createdAt };
    // Opened one at a time, as the zip reaches each file (never a thousand downloads at once).
    zip.addReadStreamLazy(names[i] as string, options, (done) => {
      storage.get(row.storageKey).then(
        (stream) => done(null, stream),
        (error: unknown) => done(error, undefined as unknown as NodeJS.ReadableStream),
      );
    });
  });
  const size = await new Promise<number>((resolve) =>
    zip.end(undefined, ((total: number) => resolve(total)) as () => void),
  );
  return { stream: zip.outputStream as Readable, size };
}

/**
 * Downloads of several outputs as one zip: `create` checks the selection and hands out a ticket (a link that
 * needs no session: a browser download sends no header), `open` streams the zip of a live ticket. The files
 * are read from storage one after another as the zip is sent; nothing is written to disk.
 */
export class OutputZips {
  private readonly zips: OutputZipsRepository;

  constructor(
    db: Db,
    private readonly storage: ObjectStorage,
  ) {
    this.zips = new OutputZipsRepository(db);
  }

  /** @throws HttpError 404 naming the first id that is not a kept output (nothing is recorded). */
  async create(ids: string[]): Promise<ZipOutputsResponse> {
    const unique = [...new Set(ids)];
    const rows = await this.zips.kept(unique);
    const missing = unique.find((id) => !rows.some((row) => row.id === id));
    if (missing) throw notFound(`output ${missing}`);
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + ZIP_TTL_MS);
    await this.zips.create(hashOf(ticket), unique, expiresAt);
    const { size } = await zipOf(rows, this.storage);
    return {
      url: `/api/outputs/zip/${ticket}`,
      expiresAt: expiresAt.toISOString(),
      files: rows.length,
      sizeBytes: size,
    };
  }

  /** The zip of a live ticket (outputs deleted since are left out). @throws HttpError 404 when expired or unknown. */
  async open(ticket: string): Promise<{ stream: Readable; size: number; filename: string }> {
    const ids = await this.zips.find(hashOf(ticket));
    if (!ids) throw notFound('zip link (it expired, or was never made)');
    const { stream, size } = await zipOf(await this.zips.kept(ids), this.storage);
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return { stream, size, filename: `podpilot-outputs-${stamp}.zip` };
  }
}
