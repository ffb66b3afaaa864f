import type { Readable } from 'node:stream';
import {
  checkRelativePath,
  type Profile,
  type ProfileFile,
  type SnapshotReport,
  type UiKindInfo,
} from '@podpilot/common';
import { sha256Hex } from '../../lib/crypto.js';
import type { ObjectStorage } from '../../storage/index.js';

/** Where a snapshot keeps file contents it does not inline: by content, so a repeat stores nothing new. */
export const snapshotFileKey = (sha256: string) => `snapshot-files/sha256/${sha256}`;

/** Largest stored file read back to compare with the instance's copy (profile files are small). */
const MAX_COMPARE_BYTES = 4 * 1024 * 1024;

const inside = (path: string, dirs: string[]) =>
  dirs.some((dir) => path.startsWith(`${dir.replace(/\/+$/, '')}/`));

/** How many left-out paths a warning names before "and N more". */
const SHOWN_PATHS = 10;

/** A path as a warning shows it: quoted, anything but printable ASCII escaped (bidi tricks stay visible). */
const shown = (path: string) =>
  JSON.stringify(path.slice(0, 200)).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * What a snapshot may bring back besides the profile's own files: the kind's settings files and what its
 * settings folders hold (saved workflows), by paths `checkRelativePath` accepts (never `.git`). A report
 * naming anything else comes from a broken or hostile agent: those files are left out, named in one warning.
 */
function settingsOnly(
  report: SnapshotReport,
  base: Profile,
  kind: UiKindInfo,
  warn: (message: string) => void,
): SnapshotReport['files'] {
  const kept: SnapshotReport['files'] = [];
  const refused: string[] = [];
  for (const file of report.files) {
    if (base.files.some((f) => f.path === file.path)) continue;
    const known = kind.settingsFiles.includes(file.path) || inside(file.path, kind.settingsFolders);
    if (known && checkRelativePath(file.path) === null) kept.push(file);
    else refused.push(shown(file.path));
  }
  if (refused.length > 0) {
    const more = refused.length > SHOWN_PATHS ? ` and ${refused.length - SHOWN_PATHS} more` : '';
    warn(
      `files left out: not a settings file of the UI or a file of the profile: ${refused.slice(0, SHOWN_PATHS).join(', ')}${more}`,
    );
  }
  return kept;
}

async function sha256Of(stream: Readable): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_COMPARE_BYTES) {
      stream.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return sha256Hex(Buffer.concat(chunks));
}

/**
 * The snapshot's `files`: the launched profile's files with what the instance holds now, then the kind's
 * settings files and the contents of its settings folders that the profile did not list (nothing else:
 * see {@link settingsOnly}). Inline files stay
 * inline; files the profile kept in storage, and saved workflows and the like (settings folders, possibly
 * hundreds), are stored content-addressed under `snapshot-files/` and referenced, so the profile stays
 * readable. A stored file whose bytes did not change keeps its entry. Appends what it cannot keep via `warn`.
 */
export async function snapshotFiles(
  base: Profile,
  report: SnapshotReport,
  kind: UiKindInfo,
  storage: ObjectStorage,
  warn: (message: string) => void,
): Promise<ProfileFile[]> {
  const stored = async (path: string, content: string): Promise<ProfileFile> => {
    const bytes = Buffer.from(content, 'utf8');
    const key = snapshotFileKey(sha256Hex(bytes));
    if (!(await storage.head(key)))
      await storage.put(key, bytes, { contentType: 'application/octet-stream' });
    return { path, storage: key };
  };
  const reported = new Map(report.files.map((f) => [f.path, f]));
  const files: ProfileFile[] = [];
  for (const file of base.files) {
    const now = reported.get(file.path);
    if (!now) files.push(file);
    else if ('storage' in file && file.storage !== undefined) {
      const before = await storage
        .get(file.storage)
        .then(sha256Of)
        .catch(() => null);
      if (before === now.sha256) files.push(file);
      else if (now.content !== undefined) files.push(await stored(file.path, now.content));
      else {
        warn(
          `file ${file.path} changed but was not read back (too big or binary): kept the launched version`,
        );
        files.push(file);
      }
    } else if (now.content !== undefined) files.push({ path: file.path, content: now.content });
    else {
      if (file.content !== undefined && sha256Hex(file.content) !== now.sha256)
        warn(
          `file ${file.path} changed but was not read back (too big or binary): kept the launched version`,
        );
      files.push(file);
    }
  }
  for (const file of settingsOnly(report, base, kind, warn)) {
    if (file.content === undefined) {
      warn(`file ${file.path} left out: it was not read back (too big or binary)`);
      continue;
    }
    files.push(
      inside(file.path, kind.settingsFolders)
        ? await stored(file.path, file.content)
        : { path: file.path, content: file.content },
    );
  }
  return files;
}
