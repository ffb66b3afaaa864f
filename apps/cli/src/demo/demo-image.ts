// The demo UI's pictures: a small landscape drawn from the seed and the prompt (no model, no GPU), written as
// a PNG with text chunks the way ComfyUI writes them. Node built-ins only: this file runs in the demo UI's
// repository on plain Node.
import { crc32, deflateSync } from 'node:zlib';

/** A 32-bit hash of a text (FNV-1a), to vary the picture with the prompt. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Numbers in [0, 1) from a seed (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RGB colour from hue (0–1), saturation and lightness. */
function hsl(h: number, s: number, l: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 12) % 12;
    return Math.round(255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** `width`×`height` RGB pixels: a sky, a sun and three ridges, coloured and placed by the seed and prompt. */
export function drawPicture(width: number, height: number, seed: number, prompt: string): Buffer {
  const next = random((seed % 4294967296) ^ hashText(prompt));
  const hue = next();
  const top = hsl(hue, 0.6, 0.35);
  const bottom = hsl((hue + 0.1) % 1, 0.7, 0.75);
  const sun = { x: next() * width, y: (0.15 + next() * 0.35) * height, r: (0.06 + next() * 0.08) * width };
  const ridges = [0.55, 0.7, 0.85].map((base, i) => ({
    base: base * height,
    amp: (0.03 + next() * 0.06) * height,
    freq: (1 + next() * 3) / width,
    phase: next() * Math.PI * 2,
    colour: hsl((hue + 0.5 + i * 0.05) % 1, 0.35, 0.45 - i * 0.12),
  }));
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const t = y / height;
    for (let x = 0; x < width; x++) {
      let colour = top.map((from, c) => Math.round(from * (1 - t) + (bottom[c] ?? from) * t));
      if ((x - sun.x) ** 2 + (y - sun.y) ** 2 < sun.r ** 2) colour = [255, 236, 180];
      for (const ridge of ridges)
        if (y > ridge.base + ridge.amp * Math.sin(x * ridge.freq * Math.PI * 2 + ridge.phase))
          colour = ridge.colour;
      pixels.set(colour, (y * width + x) * 3);
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG of RGB `pixels` with a tEXt chunk per entry of `texts`, before the image data as ComfyUI (through
 * Pillow) writes them. The texts must be Latin-1, as tEXt requires (ComfyUI's JSON escapes everything else).
 */
export function encodePng(width: number, height: number, pixels: Buffer, texts: [string, string][]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, no interlace
  const rows = Buffer.alloc(height * (width * 3 + 1));
  for (let y = 0; y < height; y++)
    pixels.copy(rows, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...texts.map(([keyword, text]) => chunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1'))),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** JSON with every non-ASCII character escaped, as Python's json.dumps writes it (so it fits a tEXt chunk). */
export const asciiJson = (value: unknown): string =>
  JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
