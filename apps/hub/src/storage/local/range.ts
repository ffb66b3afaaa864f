/** An inclusive byte range of an object, as in `Content-Range: bytes start-end/size`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a `Range` header against an object of `size` bytes (RFC 9110 §14.1.2):
 * - `undefined`: no usable range; answer the whole object with 200 (no header, another unit, several
 *   ranges, or a malformed header, all of which a server may ignore);
 * - `'unsatisfiable'`: answer 416 with `Content-Range: bytes *\/size`;
 * - a range: answer 206 with it.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // Suffix range: the last N bytes.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined; // invalid: ignore, as RFC 9110 allows
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
