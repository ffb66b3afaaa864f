import { StorageArgumentError } from './errors.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * `attachment; filename="…"; filename*=UTF-8''…` for a download name (RFC 6266): an ASCII fallback for old
 * clients plus the exact UTF-8 name. Only the last path segment is kept, so a name cannot point elsewhere.
 * @throws StorageArgumentError for an empty name, one over 255 characters, or one with control characters.
 */
export function contentDisposition(downloadName: string): string {
  const name = downloadName.split(/[/\\]/).pop() ?? '';
  if (name === '' || name.length > 255 || CONTROL.test(name))
    throw new StorageArgumentError(
      'downloadName',
      'a file name of 1 to 255 characters without control characters',
      downloadName,
    );
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
