import { describe, expect, it } from 'vitest';
import { LogBatcher } from './log-batcher.js';
import { Terminal } from './terminal.js';

describe('Terminal', () => {
  it("sends every line it prints to the hub's log as the agent's, with its level (info unless said)", async () => {
    const printed: string[] = [];
    const sent: unknown[] = [];
    const terminal = new Terminal((line) => printed.push(line));
    const logs = new LogBatcher(async (lines) => void sent.push(...lines), 60_000);
    terminal.say('before the hub is known'); // printed only: nothing to send it to yet
    terminal.logTo((line, level) => logs.add('agent', line, level));
    terminal.say('ui ComfyUI: cloned at 0123456789ab');
    terminal.say('extension Manager: git checkout failed: Could not resolve host: github.com', 'error');
    logs.add('webui', 'Starting server', 'warn'); // WebUI lines never carry a level
    await logs.close();
    expect(printed).toEqual([
      'before the hub is known',
      'ui ComfyUI: cloned at 0123456789ab',
      'extension Manager: git checkout failed: Could not resolve host: github.com',
    ]);
    expect(sent).toEqual([
      { at: expect.any(String), stream: 'agent', level: 'info', line: 'ui ComfyUI: cloned at 0123456789ab' },
      {
        at: expect.any(String),
        stream: 'agent',
        level: 'error',
        line: 'extension Manager: git checkout failed: Could not resolve host: github.com',
      },
      { at: expect.any(String), stream: 'webui', line: 'Starting server' },
    ]);
  });
});
