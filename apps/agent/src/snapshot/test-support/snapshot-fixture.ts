import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { UiKind } from '@podpilot/common';
import { git, type TestRemote } from '../../provision/test-support/git-repos.js';
import { collectSnapshot } from '../collect.js';

export const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
export const COMMAND = '0b5f2c1e-8a1d-4c3e-9f6a-2d7b8e9c0a11';

export function write(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

export function clone(remote: TestRemote, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  git(dirname(dest), 'clone', '-q', remote.url, dest);
}

/** A snapshot of `ui` with no model cache (under `root`) and no profile files. */
export const plainSnapshot = (root: string, ui: string, uiKind: UiKind) =>
  collectSnapshot({
    uiDir: ui,
    uiKind,
    cacheDir: join(root, 'no-cache'),
    profileFiles: [],
    commandId: COMMAND,
  });
