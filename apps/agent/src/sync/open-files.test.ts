import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openForWriting } from './open-files.js';

it.runIf(process.platform === 'linux')(
  'tells files open for writing from files open for reading',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'podpilot-open-'));
    const [written, read, closed] = ['w.png', 'r.png', 'c.png'].map((n) => join(dir, n)) as [
      string,
      string,
      string,
    ];
    await writeFile(read, 'r');
    await writeFile(closed, 'c');
    const w = await open(written, 'w');
    const r = await open(read, 'r');
    try {
      expect([...openForWriting([written, read, closed, join(dir, 'gone.png')])]).toEqual([written]);
    } finally {
      await w.close();
      await r.close();
      await rm(dir, { recursive: true, force: true });
    }
    expect(openForWriting([written]).size).toBe(0);
  },
);
