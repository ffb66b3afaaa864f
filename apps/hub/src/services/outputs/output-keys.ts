import { createHash, randomUUID } from 'node:crypto';
import { outputSegmentProblem } from '@podpilot/common';
import { MAX_KEY_BYTES } from '../../storage/index.js';

/** Storage keys and content types of outputs. */

/** Escaped segments start with this; a segment the agent sends starting with it is escaped too. */
const ESCAPE = '~';
const hashOf = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Why a path segment is not stored under its own name (see `outputSegmentProblem`), or null. */
export const segmentProblem = outputSegmentProblem;

/** The problems of a path's segments, each once (empty when the path is stored under its own name). */
export function pathProblems(path: string): string[] {
  return [...new Set(path.split('/').flatMap((s) => segmentProblem(s) ?? []))];
}

/**
 * A segment as stored: itself, or `~<sha256 of it>` when it has a problem or starts with `~` (so no name an
 * agent sends can equal another name's escaped form: the mapping is one-to-one).
 */
const storedSegment = (segment: string): string =>
  segmentProblem(segment) === null && !segment.startsWith(ESCAPE) ? segment : `${ESCAPE}${hashOf(segment)}`;

/**
 * Where version `version` of an output lives: the first at its own path, later ones under `.versions/<n>/`;
 * segments with a problem escaped (see `storedSegment`), and a path whose key would still be over 1024 bytes
 * stored as `~~/<sha256 of the path>` (no escaped segment is `~~`). The index keeps the original path.
 */
export function outputKey(instanceId: string, path: string, version: number): string {
  const prefix = version === 1 ? `outputs/${instanceId}/` : `outputs/${instanceId}/.versions/${version}/`;
  const key = prefix + path.split('/').map(storedSegment).join('/');
  return Buffer.byteLength(key, 'utf8') <= MAX_KEY_BYTES
    ? key
    : `${prefix}${ESCAPE}${ESCAPE}/${hashOf(path)}`;
}

/** Where an agent uploads a file before the hub verifies it: a fresh key no index row ever points at. */
export const stagingKey = (instanceId: string): string => `staging/${instanceId}/${randomUUID()}`;

/** The prefix of an instance's staging keys. */
export const stagingPrefix = (instanceId: string): string => `staging/${instanceId}/`;

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
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return Object.hasOwn(CONTENT_TYPES, ext) ? (CONTENT_TYPES[ext] as string) : null;
}

/**
 * The type an output is stored and served with: the table's, else `application/octet-stream` — never one
 * the agent chose, never a type a browser runs (HTML, SVG, XML).
 */
export const storedTypeOf = (path: string): string => contentTypeOf(path) ?? 'application/octet-stream';

/** The last segment of a path. */
export const baseName = (path: string) => path.split('/').pop() ?? path;

/**
 * The file name a download offers: the output's own name, or `output<.ext>` when that name has a problem (a
 * browser would save it under a misleading or impossible name).
 */
export function downloadNameOf(path: string): string {
  const name = baseName(path);
  if (segmentProblem(name) === null && name.length <= 255) return name;
  const ext = /\.[A-Za-z0-9]{1,10}$/.exec(name)?.[0] ?? '';
  return `output${ext}`;
}
