import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, type JournalHeader, readJournal } from './journal.js';

const header: JournalHeader = { v: 1, size: 10_000, chunkSize: 4096, etag: '"e"', lastModified: null };
let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podpilot-journal-'));
  path = join(dir, 'x.part.journal');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('journal', () => {
  it('reads back whole chunks and the largest prefix of each chunk not written whole', async () => {
    const journal = await Journal.create(path, header);
    await journal.markPrefix(0, 1000);
    await journal.markPrefix(1, 512);
    await journal.markPrefix(0, 3000);
    await journal.markPrefix(1, 256); // out of order: the larger prefix stands
    await journal.markDone(0); // whole now: its prefixes no longer matter
    await journal.markDone(2);
    await journal.close();
    const state = await readJournal(path);
    expect(state?.header).toEqual(header);
    expect(state?.done).toEqual(new Set([0, 2]));
    expect(state?.prefixes).toEqual(new Map([[1, 512]]));
  });

  it('ignores a torn last line and lines that cannot be right', async () => {
    const journal = await Journal.create(path, header);
    await journal.markPrefix(1, 100);
    await journal.close();
    // A whole-chunk prefix, past the last chunk, past the short last chunk (1808 bytes), zero, garbage, torn.
    await appendFile(path, '1:4096\n3:10\n2:1808\n0:0\n:5\n0:\n1:2:3\n-1\nx\n1:20');
    const state = await readJournal(path);
    expect(state?.done).toEqual(new Set());
    expect(state?.prefixes).toEqual(new Map([[1, 100]]));
  });

  it('has no state for a missing file or an unknown header version', async () => {
    expect(await readJournal(path)).toBeNull();
    await Journal.create(path, { ...header, v: 2 as 1 });
    expect(await readJournal(path)).toBeNull();
  });
});
