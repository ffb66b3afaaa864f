import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Larger texts are skipped: no UI writes settings that big, and inflating one must not exhaust memory. */
const MAX_TEXT_BYTES = 16 * 1024 * 1024;

/**
 * The text chunks of a PNG (`tEXt` Latin-1, `zTXt` deflated Latin-1, `iTXt` UTF-8, maybe deflated), by
 * keyword; the first of a keyword wins. Reads chunks before and after the image data (sharp/libvips only
 * sees those before it, and reads `tEXt` as UTF-8, garbling Latin-1 text such as PIL writes). Returns `{}`
 * for anything that is not a PNG; a damaged chunk ends the scan, keeping what was read.
 */
export function pngTextChunks(png: Buffer): Record<string, string> {
  const texts: Record<string, string> = {};
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) return texts;
  let at = 8;
  while (at + 12 <= png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > png.length) break;
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IEND') break;
    try {
      const text = readText(type, data);
      if (text && !(text.keyword in texts)) texts[text.keyword] = text.text;
    } catch {
      // A damaged text chunk: skip it, the others may be fine.
    }
    at = end;
  }
  return texts;
}

function readText(type: string, data: Buffer): { keyword: string; text: string } | null {
  if (type !== 'tEXt' && type !== 'zTXt' && type !== 'iTXt') return null;
  const nul = data.indexOf(0);
  if (nul < 1) return null;
  const keyword = data.toString('latin1', 0, nul);
  const inflate = (bytes: Buffer) => inflateSync(bytes, { maxOutputLength: MAX_TEXT_BYTES });
  if (type === 'tEXt') return { keyword, text: data.toString('latin1', nul + 1) };
  if (type === 'zTXt') return { keyword, text: inflate(data.subarray(nul + 2)).toString('latin1') };
  // iTXt: keyword \0 compressionFlag compressionMethod languageTag \0 translatedKeyword \0 text
  const compressed = data[nul + 1] === 1;
  const languageEnd = data.indexOf(0, nul + 3);
  if (languageEnd < 0) return null;
  const translatedEnd = data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return null;
  const body = data.subarray(translatedEnd + 1);
  return { keyword, text: (compressed ? inflate(body) : body).toString('utf8') };
}
