import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstallMarkers, markerKey } from './markers.js';

describe('markers', () => {
  const inputs = {
    commit: 'a'.repeat(40),
    requirements: 'x==1\n',
    installScript: null,
    constraints: '',
    pipOptions: [],
  };

  it('changes its key with any input that changes what an install does', () => {
    const key = markerKey(inputs);
    expect(markerKey({ ...inputs })).toBe(key);
    for (const change of [
      { commit: 'b'.repeat(40) },
      { requirements: 'x==2\n' },
      { installScript: 'print(1)' },
      { constraints: 'torch==2' },
      { pipOptions: ['--find-links', '/w'] },
    ])
      expect(markerKey({ ...inputs, ...change })).not.toBe(key);
  });

  it('remembers a successful install per item until cleared', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podpilot-markers-'));
    const markers = new InstallMarkers(join(dir, 'm'));
    expect(await markers.has('extension', 'a', 'k1')).toBe(false);
    await markers.set('extension', 'a', 'k1');
    expect(await markers.has('extension', 'a', 'k1')).toBe(true);
    expect(await markers.has('extension', 'a', 'k2')).toBe(false);
    expect(await markers.has('ui', 'a', 'k1')).toBe(false);
    await markers.clear('extension', 'a');
    expect(await markers.has('extension', 'a', 'k1')).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
