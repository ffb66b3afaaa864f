import type { OutputSummary } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { awaitsThumbnail } from './outputs';

const now = Date.parse('2026-12-07T12:00:00Z');
const output = (fields: Partial<OutputSummary>) =>
  ({
    path: 'output/a.png',
    contentType: 'image/png',
    hasThumbnail: false,
    createdAt: new Date(now - 5_000).toISOString(),
    ...fields,
  }) as OutputSummary;

describe('awaitsThumbnail', () => {
  it('waits for an image synced moments ago, not for one that has it, a non-image or an old one', () => {
    expect(awaitsThumbnail(output({}), now)).toBe(true);
    expect(awaitsThumbnail(output({ hasThumbnail: true }), now)).toBe(false);
    expect(awaitsThumbnail(output({ path: 'output/a.txt', contentType: 'text/plain' }), now)).toBe(false);
    expect(awaitsThumbnail(output({ createdAt: new Date(now - 180_000).toISOString() }), now)).toBe(false);
  });
});
