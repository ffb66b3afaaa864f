/**
 * Where NUL characters (U+0000) hide in a JSON-like value: the paths of every string (or object key) that holds
 * one (parsed JSON only: strings, arrays, plain objects). Databases refuse NUL in text, so input carrying it is refused up front with the field named.
 */
export function nulPaths(value: unknown, path: (string | number)[] = [], found: (string | number)[][] = []) {
  if (found.length >= 20) return found; // enough to name the problem
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(path);
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) nulPaths(item, [...path, i], found);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) found.push([...path, key]);
      nulPaths(item, [...path, key], found);
    }
  }
  return found;
}

/** Only parsed JSON is walked: buffers, streams and class instances are no text fields. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export const NUL_MESSAGE = 'expected text without NUL characters (U+0000)';
