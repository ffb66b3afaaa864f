import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegWithExif, tiff, unicodeUserComment, webpWithExif } from '../../test-support/exif.js';
import { exifTexts, userCommentText } from './exif-texts.js';
import { pngMetadata } from './png-metadata.js';

const A1111 = [
  'a lighthouse on a cliff, très détaillé, 🚀 <lora:film:0.6>',
  'Negative prompt: blurry, (worst quality:1.4)',
  'Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234567890, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Hashes: {"model": "6ce0161689", "lora:film": "a1b2c3d4e5f6"}, Version: v1.10.1',
].join('\n');
const GRAPH = {
  '3': { class_type: 'KSampler', inputs: { seed: 42, steps: 20, positive: ['6', 0] } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a red fox in snow \\ud83e\\udd8a' } },
};
const WORKFLOW = { last_node_id: 9, nodes: [{ id: 3, type: 'KSampler' }] };

/** What sharp hands the hub for a file: its EXIF block. */
const exifOf = async (file: Buffer) => (await sharp(file).metadata()).exif;

describe('exifTexts: what the UIs write into JPEG and WebP', () => {
  it("reads A1111's UserComment (piexif: UNICODE, UTF-16 big-endian) from a JPEG", async () => {
    const file = await jpegWithExif(
      tiff('MM', [], [{ tag: 0x9286, type: 7, data: unicodeUserComment(A1111) }]),
    );
    expect(exifTexts(await exifOf(file))).toEqual({ parameters: A1111 });
  });

  it('reads the same from a WebP, with and without the "Exif" header Pillow adds to the chunk', async () => {
    const block = tiff('MM', [], [{ tag: 0x9286, type: 7, data: unicodeUserComment(A1111) }]);
    for (const pillowHeader of [true, false])
      expect(exifTexts(await exifOf(await webpWithExif(block, pillowHeader)))).toEqual({ parameters: A1111 });
  });

  it('reads a little-endian file with little-endian UTF-16 (other writers), and an ASCII-coded comment', async () => {
    const le = tiff('II', [], [{ tag: 0x9286, type: 7, data: unicodeUserComment(A1111, true) }]);
    expect(exifTexts(await exifOf(await jpegWithExif(le)))).toEqual({ parameters: A1111 });
    const ascii = Buffer.concat([Buffer.from('ASCII\0\0\0', 'latin1'), Buffer.from('a cat\nSteps: 5')]);
    expect(
      exifTexts(await exifOf(await jpegWithExif(tiff('MM', [], [{ tag: 0x9286, type: 7, data: ascii }])))),
    ).toEqual({ parameters: 'a cat\nSteps: 5' });
  });

  it("reads ComfyUI's animated-WebP graph: Model = prompt:<json>, Make = workflow:<json>", async () => {
    const block = tiff('II', [
      { tag: 0x0110, type: 2, data: `prompt:${JSON.stringify(GRAPH)}` },
      { tag: 0x010f, type: 2, data: `workflow:${JSON.stringify(WORKFLOW)}` },
    ]);
    const texts = exifTexts(await exifOf(await webpWithExif(block, true)));
    expect(texts).toEqual({ prompt: JSON.stringify(GRAPH), workflow: JSON.stringify(WORKFLOW) });
    expect(pngMetadata(texts)).toEqual({ prompt: JSON.stringify(GRAPH), workflow: JSON.stringify(WORKFLOW) });
  });

  it("reads Fooocus' JPEG: UserComment and MakerNote in IFD0 (its scheme), as in its PNGs", async () => {
    const json = JSON.stringify({ prompt: 'a castle', negative_prompt: '', seed: '77', steps: 30 });
    const block = tiff('II', [
      { tag: 0x9286, type: 7, data: json },
      { tag: 0x0131, type: 2, data: 'Fooocus v2.5.5' },
      { tag: 0x927c, type: 7, data: 'fooocus' },
    ]);
    const texts = exifTexts(await exifOf(await jpegWithExif(block)));
    expect(texts).toEqual({ parameters: json, fooocus_scheme: 'fooocus' });
    expect(pngMetadata(texts)).toEqual({ parameters: json, texts: { fooocus_scheme: 'fooocus' } });
  });

  it("takes nothing from a camera's EXIF, nor from a missing or broken block", async () => {
    const camera = tiff('MM', [
      { tag: 0x010f, type: 2, data: 'Canon' },
      { tag: 0x0110, type: 2, data: 'Canon EOS R5' },
    ]);
    expect(exifTexts(await exifOf(await jpegWithExif(camera)))).toEqual({});
    expect(exifTexts(undefined)).toEqual({});
    expect(exifTexts(Buffer.from('Exif\0\0MM\0*garbage'))).toEqual({});
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(typeof exifTexts(Buffer.from(bytes))).toBe('object');
        expect(
          typeof exifTexts(Buffer.concat([Buffer.from('Exif\0\0MM\0*\0\0\0\x08'), Buffer.from(bytes)])),
        ).toBe('object');
      }),
    );
  });

  it('decodes each UserComment character code and drops the padding', () => {
    expect(userCommentText(unicodeUserComment('ünï 🚀\0\0'), true)).toBe('ünï 🚀');
    expect(userCommentText(Buffer.from('\0\0\0\0\0\0\0\0plain  '), true)).toBe('plain');
    expect(userCommentText(Buffer.from('no code, UTF-8 é'), true)).toBe('no code, UTF-8 é');
    expect(userCommentText(Buffer.from('UNICODE\0'), true)).toBeNull();
    expect(userCommentText(42, true)).toBeNull();
  });
});
