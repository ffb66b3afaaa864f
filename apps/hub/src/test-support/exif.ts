import sharp from 'sharp';

// EXIF blocks laid out as the spec says (TIFF 6.0 header and IFDs; Exif 2.3 UserComment character codes), and
// JPEG and WebP files carrying them as the UIs' libraries write them: piexif (A1111), Pillow (ComfyUI, Fooocus).

export type ByteOrder = 'MM' | 'II';
/** One IFD entry: ASCII (2, NUL added), LONG (4, already in the block's byte order) or UNDEFINED (7) bytes. */
export interface ExifEntry {
  tag: number;
  type: 2 | 4 | 7;
  data: Buffer | string;
}

const entryData = (e: ExifEntry) =>
  typeof e.data === 'string' ? Buffer.from(e.type === 2 ? `${e.data}\0` : e.data, 'latin1') : e.data;

/**
 * The TIFF data of an EXIF block: IFD0 with `ifd0`, and an Exif IFD with `exif` (pointed to by tag 0x8769)
 * when given. Values longer than 4 bytes follow their IFD, at even offsets.
 */
export function tiff(order: ByteOrder, ifd0: ExifEntry[], exif: ExifEntry[] = []): Buffer {
  const be = order === 'MM';
  const u16 = (n: number) => {
    const b = Buffer.alloc(2);
    be ? b.writeUInt16BE(n) : b.writeUInt16LE(n);
    return b;
  };
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    be ? b.writeUInt32BE(n) : b.writeUInt32LE(n);
    return b;
  };
  const ifdSize = (entries: ExifEntry[]) => 2 + entries.length * 12 + 4;
  const dataSize = (entries: ExifEntry[]) =>
    entries.reduce((sum, e) => sum + (entryData(e).length > 4 ? (entryData(e).length + 1) & ~1 : 0), 0);
  const block = (entries: ExifEntry[], start: number): Buffer => {
    let dataAt = start + ifdSize(entries);
    const heads: Buffer[] = [];
    const datas: Buffer[] = [];
    for (const e of [...entries].sort((a, b) => a.tag - b.tag)) {
      const data = entryData(e);
      let value: Buffer;
      if (data.length <= 4) value = Buffer.concat([data, Buffer.alloc(4 - data.length)]);
      else {
        value = u32(dataAt);
        const padded = Buffer.concat([data, Buffer.alloc(data.length % 2)]);
        datas.push(padded);
        dataAt += padded.length;
      }
      heads.push(
        Buffer.concat([u16(e.tag), u16(e.type), u32(e.type === 4 ? data.length / 4 : data.length), value]),
      );
    }
    return Buffer.concat([u16(entries.length), ...heads, u32(0), ...datas]);
  };
  // The Exif IFD's pointer is one more IFD0 entry (a LONG, 4 bytes: held in the entry itself).
  const withPointer = (at: number): ExifEntry[] => [...ifd0, { tag: 0x8769, type: 4, data: u32(at) }];
  const first = exif.length ? withPointer(8 + ifdSize(withPointer(0)) + dataSize(ifd0)) : ifd0;
  const head = Buffer.concat([Buffer.from(order, 'latin1'), u16(42), u32(8)]);
  const zeroth = block(first, 8);
  return Buffer.concat([head, zeroth, ...(exif.length ? [block(exif, 8 + zeroth.length)] : [])]);
}

/** piexif's UserComment for text in "unicode": the character code, then UTF-16 big-endian. */
export function unicodeUserComment(text: string, littleEndian = false): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), littleEndian ? le : Buffer.from(le).swap16()]);
}

/** A JPEG (made by sharp) with `tiffData` as its APP1 Exif segment, right after SOI. */
export async function jpegWithExif(tiffData: Buffer, width = 64, height = 48): Promise<Buffer> {
  const jpeg = await sharp({ create: { width, height, channels: 3, background: '#cc6633' } })
    .jpeg()
    .toBuffer();
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiffData]);
  const marker = Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), marker, payload, jpeg.subarray(2)]);
}

const riffChunk = (type: string, data: Buffer) => {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, Buffer.alloc(data.length % 2)]);
};

/**
 * A WebP (made by sharp, extended with a VP8X header) with an EXIF chunk; `pillowHeader` puts "Exif\0\0" before
 * the TIFF data as Pillow does (the WebP spec has none).
 */
export async function webpWithExif(tiffData: Buffer, pillowHeader: boolean, width = 64, height = 48) {
  const simple = await sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .webp()
    .toBuffer();
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x08; // the EXIF flag
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  const exif = pillowHeader ? Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiffData]) : tiffData;
  const body = Buffer.concat([
    Buffer.from('WEBP', 'latin1'),
    riffChunk('VP8X', vp8x),
    simple.subarray(12),
    riffChunk('EXIF', exif),
  ]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}
