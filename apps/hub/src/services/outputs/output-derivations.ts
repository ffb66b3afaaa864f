import type { Readable } from 'node:stream';
import { cutToCodeUnits, type OutputMetadata, outputParams } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import sharp from 'sharp';
import { pngTextChunks } from '../../lib/png-text.js';
import type { OutputsRepository } from '../../repositories/outputs.repository.js';
import type { ObjectStorage } from '../../storage/index.js';
import { exifTexts } from './exif-texts.js';
import { THUMBNAILED, thumbnailKey } from './output-keys.js';
import { pngMetadata } from './png-metadata.js';

const MiB = 1024 * 1024;
/** Images bigger than this get no thumbnail (the hub reads the whole file into memory for it). */
export const MAX_THUMBNAIL_SOURCE_BYTES = 64 * MiB;
const THUMBNAIL_MAX_SIDE = 256;
/** The longest prompt a list shows (on a whole character). */
export const PROMPT_SUMMARY_LENGTH = 300;

/** The prompt as typed, cut for lists; '' when the settings hold none (so it is known to be done). */
export const promptSummaryOf = (metadata: OutputMetadata): string =>
  cutToCodeUnits(outputParams(metadata).prompt ?? '', PROMPT_SUMMARY_LENGTH);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Thumbnails and PNG metadata of confirmed outputs, made one file at a time in the background, after the
 * confirm has answered.
 */
export class OutputDerivations {
  /** Thumbnails and metadata are made one file at a time, after the confirm has answered. */
  private derivations: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: ObjectStorage,
    private readonly outputs: OutputsRepository,
    private readonly log: FastifyBaseLogger,
  ) {}

  enqueue(outputId: string): void {
    this.derivations = this.derivations.then(() =>
      this.derive(outputId).catch((error: unknown) =>
        this.log.warn({ err: error, outputId }, 'output: reading the image for its thumbnail failed'),
      ),
    );
  }

  /**
   * Queues the thumbnails and metadata a previous run of the hub did not get to (it stopped with the queue
   * not empty); returns how many. Call once at start. Each image is read once: a broken one is recorded as
   * done with empty metadata and not tried again.
   */
  async resume(limit = 10_000): Promise<number> {
    const ids = await this.outputs.underived([...THUMBNAILED], MAX_THUMBNAIL_SOURCE_BYTES, limit);
    for (const id of ids) this.enqueue(id);
    await this.summariseOlder(limit);
    return ids.length;
  }

  /** Resolves when every thumbnail queued so far is made (tests; shutdown). */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.derivations;
      await current;
    } while (current !== this.derivations);
  }

  /**
   * Makes the thumbnail (WebP, 256 px on the longer side) and reads width, height and the generation
   * settings UIs embed (PNG text chunks, JPEG/WebP EXIF): A1111/Forge/Fooocus `parameters`, ComfyUI `prompt`
   * and `workflow`. A broken image
   * gets no thumbnail (logged); whatever could be read is still recorded.
   */
  private async derive(outputId: string): Promise<void> {
    const row = await this.outputs.find(outputId);
    if (!row) return;
    const bytes = await readAll(await this.storage.get(row.storageKey));
    let metadata: OutputMetadata = row.contentType === 'image/png' ? pngMetadata(pngTextChunks(bytes)) : {};
    let thumbnail: string | null = null;
    try {
      const info = await sharp(bytes).metadata();
      // JPEG and WebP keep the UIs' settings in EXIF (A1111's UserComment, ComfyUI's animated WebP graph).
      if (row.contentType !== 'image/png') metadata = pngMetadata(exifTexts(info.exif));
      if (info.width) metadata.width = info.width;
      // An animated image's `height` is the sum of its pages; `pageHeight` is one frame.
      const height = info.pageHeight ?? info.height;
      if (height) metadata.height = height;
      const webp = await sharp(bytes)
        .rotate()
        .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
      thumbnail = thumbnailKey(outputId);
      await this.storage.put(thumbnail, webp, { contentType: 'image/webp', contentLength: webp.length });
    } catch (error) {
      thumbnail = null;
      this.log.warn({ err: error, outputId, path: row.path }, 'output: no thumbnail (unreadable image)');
    }
    const searchText = [row.path, metadata.parameters, metadata.prompt]
      .filter((s): s is string => typeof s === 'string')
      .join('\n')
      .toLowerCase();
    await this.outputs.setDerived(outputId, {
      thumbnailKey: thumbnail,
      metadata, // `{}` when the image holds nothing: still marks it as done
      searchText,
      promptSummary: promptSummaryOf(metadata),
    });
  }

  /** Summarises the prompts of outputs derived before summaries existed, from their stored settings. */
  private async summariseOlder(limit: number): Promise<number> {
    const rows = await this.outputs.unsummarised(limit);
    for (const row of rows) await this.outputs.setPromptSummary(row.id, promptSummaryOf(row.metadata));
    return rows.length;
  }
}
