import { describe, expect, it } from 'vitest';
import { formatSnapshot } from './snapshot.js';

const base = {
  profile: 'sdxl',
  version: 4,
  created: true,
  changes: ['extension nodes-c added at 1a2b3c4d5e6f (https://github.com/a/nodes-c)'],
  warnings: [],
  commandId: '0b5f2c1e-8a1d-4c3e-9f6a-2d7b8e9c0a11',
  createdAt: '2026-11-29T06:00:00.000Z',
  complete: true,
  agentMessage: null,
};

describe('formatSnapshot', () => {
  it('prints the version, the changes and each upload with where it stands', () => {
    const text = formatSnapshot({
      ...base,
      uploads: [
        {
          sha256: 'a'.repeat(64),
          path: 'models/loras/x.safetensors',
          sizeBytes: 3 * 1024 * 1024,
          status: 'available',
        },
      ],
    });
    expect(text).toBe(
      [
        'stored sdxl@4',
        'changes against the launched version:',
        '  extension nodes-c added at 1a2b3c4d5e6f (https://github.com/a/nodes-c)',
        'models uploaded to the library:',
        '  models/loras/x.safetensors (3.0 MiB): available',
        '',
      ].join('\n'),
    );
  });

  it("says when nothing changed, and gives the agent's word when an upload failed", () => {
    const text = formatSnapshot({
      ...base,
      created: false,
      changes: [],
      warnings: ['extension nodes-a has local changes: x.py'],
      uploads: [
        { sha256: 'b'.repeat(64), path: 'models/vae/v.pt', sizeBytes: 1024 * 1024, status: 'failed' },
      ],
      agentMessage: '1 of 1 model upload(s) failed (models/vae/v.pt: it is gone)',
    });
    expect(text).toContain('sdxl@4 already holds this environment: no new version\n');
    expect(text).toContain('no changes against the launched version\n');
    expect(text).toContain('warnings:\n  extension nodes-a has local changes: x.py\n');
    expect(text).toContain('  models/vae/v.pt (1.0 MiB): failed\n');
    expect(text).toContain('agent: 1 of 1 model upload(s) failed (models/vae/v.pt: it is gone)\n');
  });
});
