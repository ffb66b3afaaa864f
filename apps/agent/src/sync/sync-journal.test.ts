import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type JournalEntry, SyncJournal } from './sync-journal.js';

// Sub-millisecond, as stat reports it: the journal must keep it exactly.
const MTIME = 1_764_000_000_123.25;

const entry = (path: string, version = 1, size = 10): JournalEntry => ({
  path,
  size,
  mtimeMs: MTIME,
  sha256: String(version % 10).repeat(64),
  version,
});

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podpilot-journal-'));
  path = join(dir, 'state', 'outputs.journal');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('SyncJournal', () => {
  it('keeps what was recorded across a reopen, the last line of a path winning', async () => {
    const journal = await SyncJournal.open(path);
    await journal.record([entry('output/a.png'), entry('output/b.png')]);
    await journal.record([entry('output/a.png', 2, 20)]);
    await journal.close();
    const again = await SyncJournal.open(path);
    expect(again.size).toBe(2);
    expect(again.get('output/a.png')).toEqual({
      size: 20,
      mtimeMs: MTIME,
      sha256: '2'.repeat(64),
      version: 2,
    });
    expect(again.matches('output/b.png', 10, MTIME)).toBe(true);
    expect(again.matches('output/b.png', 10, MTIME + 0.001)).toBe(false);
    expect(again.matches('output/c.png', 10, MTIME)).toBe(false);
    await again.close();
  });

  it('cuts a torn last line (even inside a UTF-8 character) and skips garbage lines', async () => {
    const journal = await SyncJournal.open(path);
    await journal.record([entry('output/été.png')]);
    await journal.close();
    await appendFile(path, 'not json\n');
    await appendFile(path, Buffer.from('{"p":"output/é', 'utf8').subarray(0, -1));
    const again = await SyncJournal.open(path);
    expect(again.size).toBe(1);
    await again.record([entry('output/b.png')]);
    await again.close();
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').filter((l) => l.startsWith('{"p":"output/b.png"'))).toHaveLength(1);
    const third = await SyncJournal.open(path);
    expect([third.size, third.get('output/b.png')?.version]).toEqual([2, 1]);
    await third.close();
  });

  it('compacts itself when it grew, keeping the latest record of each path', async () => {
    const journal = await SyncJournal.open(path, { compactAfterLines: 10 });
    for (let v = 1; v <= 30; v++) await journal.record([entry('output/a.png', v), entry('output/b.png', v)]);
    await journal.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(10);
    const again = await SyncJournal.open(path);
    expect(again.get('output/a.png')?.version).toBe(30);
    expect(again.get('output/b.png')?.version).toBe(30);
    await again.compactNow();
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(2);
    await again.close();
  });

  it('starts empty without a file, and rejects records once closed', async () => {
    await writeFile(join(dir, 'unrelated'), '');
    const journal = await SyncJournal.open(path);
    expect(journal.size).toBe(0);
    await journal.close();
    await expect(journal.record([entry('output/a.png')])).rejects.toThrow(/closed/);
  });
});
