import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** A PNG chunk with its length and CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG (made by sharp) with text chunks: `before` after IHDR, `after` between the image data and IEND. */
export async function pngWithText(
  width: number,
  height: number,
  before: Buffer[],
  after: Buffer[] = [],
): Promise<Buffer> {
  const png = await sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
  const ihdrEnd = 8 + 25;
  const iend = png.length - 12;
  return Buffer.concat([
    png.subarray(0, ihdrEnd),
    ...before,
    png.subarray(ihdrEnd, iend),
    ...after,
    png.subarray(iend),
  ]);
}
export const tEXt = (keyword: string, text: string) =>
  pngChunk('tEXt', Buffer.concat([Buffer.from(`${keyword}\0`, 'latin1'), Buffer.from(text, 'latin1')]));
export const iTXt = (keyword: string, text: string) =>
  pngChunk('iTXt', Buffer.concat([Buffer.from(`${keyword}\0\0\0\0\0`, 'latin1'), Buffer.from(text, 'utf8')]));
