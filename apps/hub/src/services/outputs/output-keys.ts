/** Storage keys and content types of outputs. */

/** Where version `version` of an output lives: the first at its own path, later ones under `.versions/<n>/`. */
export const outputKey = (instanceId: string, path: string, version: number): string =>
  version === 1 ? `outputs/${instanceId}/${path}` : `outputs/${instanceId}/.versions/${version}/${path}`;

export const thumbnailKey = (outputId: string): string => `thumbnails/${outputId}.webp`;

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  safetensors: 'application/octet-stream',
};
/** The formats the hub makes thumbnails of. */
export const THUMBNAILED = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** The content type of a path by its extension, or null for an unknown one. */
export function contentTypeOf(path: string): string | null {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (CONTENT_TYPES[name.slice(dot + 1).toLowerCase()] ?? null) : null;
}

/** The last segment of a path. */
export const baseName = (path: string) => path.split('/').pop() ?? path;
