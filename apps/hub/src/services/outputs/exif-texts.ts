import readExif from 'exif-reader';

// What the UIs write into the EXIF of their JPEG and WebP outputs, as keyword → text like PNG text chunks
// (so one mapping, pngMetadata, turns both into an output's metadata):
// - A1111/Forge (piexif): Exif IFD UserComment (0x9286) = "UNICODE\0" + the `parameters` text in UTF-16 BE
//   (piexif.helper.UserComment.dump(…, encoding="unicode"); its _UNICODE is 'utf_16_be').
// - ComfyUI's SaveAnimatedWEBP (Pillow): IFD0 Model (0x0110) = "prompt:" + the API graph's JSON, Make (0x010f)
//   = "workflow:" + the editor graph's JSON, and any further extra_pnginfo key counting down from 0x010f.
// - Fooocus (modules/private_logger.py, Pillow): IFD0 UserComment (0x9286) = the parameters (JSON or A1111
//   text, ASCII), MakerNote (0x927c) = the scheme ('fooocus' or 'a1111'), Software (0x0131) = "Fooocus v…".

const USER_COMMENT = 0x9286;
const MAKER_NOTE = 0x927c;
const PREFIX_SIZE = 8;

/** A UTF-16 text's byte order, guessed from where mostly-ASCII text has its zero bytes. */
function utf16(data: Buffer, bigEndian: boolean): string {
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i + 1 < data.length; i += 2) {
    if (data[i] === 0) evenZeros++;
    if (data[i + 1] === 0) oddZeros++;
  }
  const big = evenZeros === oddZeros ? bigEndian : evenZeros > oddZeros;
  const even = data.subarray(0, data.length - (data.length % 2));
  return big ? Buffer.from(even).swap16().toString('utf16le') : even.toString('utf16le');
}

/**
 * A UserComment as text: its 8-byte character code (Exif 2.3, table 9) says how the rest is written —
 * "UNICODE\0" UTF-16 (piexif writes it big-endian; the order is guessed when it differs from the file's),
 * "ASCII\0\0\0", "JIS\0…" (read as Latin-1: no UI writes it), none: UTF-8 as A1111 falls back to. Trailing
 * NULs and spaces (padding) are dropped.
 */
export function userCommentText(value: unknown, bigEndian: boolean): string | null {
  if (typeof value === 'string') return value.replace(/[\0 ]+$/, '') || null;
  if (!Buffer.isBuffer(value)) return null;
  const prefix = value.subarray(0, PREFIX_SIZE).toString('latin1');
  const rest = value.subarray(PREFIX_SIZE);
  const text =
    prefix === 'UNICODE\0'
      ? utf16(rest, bigEndian)
      : prefix === 'ASCII\0\0\0' || prefix === '\0'.repeat(PREFIX_SIZE)
        ? rest.toString('utf8')
        : prefix.startsWith('JIS\0')
          ? rest.toString('latin1')
          : value.toString('utf8');
  return text.replace(/[\0 ]+$/, '') || null;
}

/** An ASCII tag's value as text (exif-reader hands non-ASCII bytes over as a Buffer: read as UTF-8). */
const asText = (value: unknown): string | null =>
  typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : null;

/** ComfyUI's `<key>:<json>` in Model, Make and the tags below them; the keyword and its JSON text. */
function comfyTexts(image: Record<string, unknown>): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const name of ['Model', 'Make', 'ImageDescription', 'DocumentName']) {
    const match = /^([A-Za-z_][\w-]{0,63}):(\s*[[{][\s\S]*)$/.exec(asText(image[name]) ?? '');
    if (match?.[1] && match[2] !== undefined && !(match[1] in texts)) texts[match[1]] = match[2];
  }
  return texts;
}

/** Strips the "Exif\0\0" header Pillow puts before the TIFF data even in a WebP EXIF chunk (sharp may add one more). */
function tiffData(exif: Buffer): Buffer {
  let data = exif;
  while (data.length > 6 && data.subarray(0, 6).toString('latin1') === 'Exif\0\0') data = data.subarray(6);
  return data;
}

/**
 * The generation texts in an image's EXIF block (sharp's `metadata().exif`), by keyword: `parameters` (A1111,
 * Forge, Fooocus), `fooocus_scheme`, `prompt` and `workflow` (ComfyUI). `{}` when there is none or the block
 * is unreadable: a broken EXIF never fails an output.
 */
export function exifTexts(exif: Buffer | undefined): Record<string, string> {
  if (!exif || exif.length === 0) return {};
  let parsed: ReturnType<typeof readExif>;
  try {
    parsed = readExif(tiffData(exif));
  } catch {
    return {};
  }
  const image = (parsed.Image ?? {}) as Record<string | number, unknown>;
  const photo = (parsed.Photo ?? {}) as Record<string, unknown>;
  const bigEndian = (parsed as { bigEndian?: boolean }).bigEndian ?? true;
  const texts = comfyTexts(image as Record<string, unknown>);
  const comment = userCommentText(photo.UserComment ?? image[USER_COMMENT], bigEndian);
  if (comment !== null) texts.parameters = comment;
  const scheme = asText(photo.MakerNote ?? image[MAKER_NOTE])?.replace(/\0+$/, '');
  if (scheme === 'fooocus' || scheme === 'a1111') texts.fooocus_scheme = scheme;
  return texts;
}
