import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRelativePath, type SnapshotFile } from '@podpilot/common';
import { asText, hashFile, walk } from './file-io.js';
import { nameList } from './paths.js';

/** Files up to this size that are valid UTF-8 without NUL are kept as text in the report. */
export const MAX_CONTENT_BYTES = 256 * 1024;
/** Files read back from a kind's settings folders (saved workflows); the report holds 500 files at most. */
const MAX_FOLDER_FILES = 300;

export interface CollectFilesOptions {
  uiDir: string;
  /** Paths the report captures (the profile's files and the kind's settings files), relative to `uiDir`. */
  wanted: string[];
  /** The profile's own files: a missing one is worth a warning. */
  profileFiles: Set<string>;
  /** The kind's settings folders (saved workflows): every file in them is captured too. */
  settingsFolders: string[];
  warnings: string[];
  signal?: AbortSignal;
}

/** A name as a warning shows it: quoted, anything but printable ASCII escaped (so a trick stays visible). */
const shown = (path: string) =>
  JSON.stringify(path).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The wanted files and what the settings folders hold: small UTF-8 files with their content, others hashed. */
export async function collectFiles(options: CollectFilesOptions): Promise<SnapshotFile[]> {
  const { uiDir, settingsFolders, warnings, signal } = options;
  const saved = new Map<string, bigint>();
  for (const dir of settingsFolders) await walk(uiDir, dir, saved, signal);
  // A name the hub would refuse (bidi or zero-width characters…) is named here rather than sent.
  const odd = [...saved.keys()].filter((p) => checkRelativePath(p) !== null).sort();
  if (odd.length > 0)
    warnings.push(`files with names a profile cannot hold were not captured: ${nameList(odd.map(shown))}`);
  const savedPaths = [...saved.keys()].filter((p) => !options.wanted.includes(p) && !odd.includes(p)).sort();
  if (savedPaths.length > MAX_FOLDER_FILES)
    warnings.push(
      `${settingsFolders.join(', ')} hold ${savedPaths.length} files: only the first ${MAX_FOLDER_FILES} are kept`,
    );
  const paths = [...options.wanted, ...savedPaths.slice(0, MAX_FOLDER_FILES)].sort();
  const files: SnapshotFile[] = [];
  for (const path of paths) {
    signal?.throwIfAborted();
    const file = await readOne(join(uiDir, path), path, options);
    if (file) files.push(file);
  }
  return files;
}

async function readOne(
  full: string,
  path: string,
  { profileFiles, warnings, signal }: CollectFilesOptions,
): Promise<SnapshotFile | null> {
  const info = await stat(full).catch(() => null);
  if (!info?.isFile()) {
    if (profileFiles.has(path)) warnings.push(`profile file ${path} is missing: it was not captured`);
    return null;
  }
  if (info.size > MAX_CONTENT_BYTES) {
    const sha256 = await hashFile(full, signal);
    warnings.push(
      `file ${path} is larger than ${MAX_CONTENT_BYTES / 1024} KiB (${info.size} bytes): its content was not kept`,
    );
    return { path, sha256, sizeBytes: info.size };
  }
  const bytes = await readFile(full, signal ? { signal } : {});
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const content = asText(bytes);
  if (content !== null) return { path, sha256, sizeBytes: bytes.length, content };
  warnings.push(`file ${path} is not UTF-8 text: its content was not kept`);
  return { path, sha256, sizeBytes: bytes.length };
}
