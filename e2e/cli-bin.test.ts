import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PODPILOT_VERSION } from '@podpilot/common';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the podpilot command', () => {
  it('is linked by npm ci (its file exists before any build) and runs the built CLI', () => {
    const { bin } = JSON.parse(readFileSync(join(root, 'apps/cli/package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    // A bin inside dist/ would not exist at `npm ci` time: npm would link nothing and `npx podpilot` fail.
    expect(bin.podpilot).not.toMatch(/dist\//);
    const linked = spawnSync(join(root, 'node_modules/.bin/podpilot'), ['--version'], { encoding: 'utf8' });
    expect(linked.stderr).toBe('');
    expect(linked.stdout.trim()).toBe(PODPILOT_VERSION);
  });

  it('says how to build it when it is not built yet', () => {
    const copy = mkdtempSync(join(tmpdir(), 'podpilot-bin-'));
    try {
      // The package as `npm ci` leaves it: its manifest and bin/, no dist/.
      cpSync(join(root, 'apps/cli/package.json'), join(copy, 'package.json'));
      cpSync(join(root, 'apps/cli/bin'), join(copy, 'bin'), { recursive: true });
      const run = spawnSync(process.execPath, [join(copy, 'bin/podpilot.js'), '--version'], {
        encoding: 'utf8',
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(
        'podpilot: the CLI is not built yet; run `npm run build` (or `npm start`) in the PodPilot folder\n',
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
