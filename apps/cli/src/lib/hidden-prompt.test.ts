import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askHidden } from './hidden-prompt.js';

describe('askHidden', () => {
  it('reads the line without writing it anywhere', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => {
      shown += d.toString();
    });
    const answer = askHidden('API token: ', input, output);
    input.write('pp_secret_token\r');
    expect(await answer).toBe('pp_secret_token');
    expect(shown).toBe('API token: \n');
  });
});
