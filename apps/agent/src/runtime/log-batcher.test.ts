import { loneSurrogateIndex } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { LogBatcher, MAX_LINE } from './log-batcher.js';

describe('LogBatcher', () => {
  it('cuts a long line on a whole character: an emoji across the limit is dropped, never halved', async () => {
    const sent: string[] = [];
    const batcher = new LogBatcher(async (lines) => void sent.push(...lines.map((l) => l.line)), 60_000);
    batcher.add('webui', `${'a'.repeat(MAX_LINE - 1)}🦙 and more`);
    batcher.add('webui', `${'b'.repeat(MAX_LINE - 2)}🦙 and more`);
    await batcher.close();
    expect(sent).toEqual(['a'.repeat(MAX_LINE - 1), `${'b'.repeat(MAX_LINE - 2)}🦙`]);
    for (const line of sent) expect(loneSurrogateIndex(line)).toBe(-1);
  });
});
