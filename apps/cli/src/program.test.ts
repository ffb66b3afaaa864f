import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';

/** Every command that does something (not a group of subcommands), as `podpilot a b`. */
function leaves(command: Command, path: string[] = []): { name: string; command: Command }[] {
  const here = [...path, command.name()];
  if (command.commands.length === 0) return [{ name: here.join(' '), command }];
  return command.commands.flatMap((sub) => leaves(sub, here));
}

/** Long-running processes with their own log formats, not commands that answer. */
const SERVERS = new Set(['podpilot hub', 'podpilot agent']);

describe('the podpilot program', () => {
  it('takes --json on every command', () => {
    const missing = leaves(buildProgram(false))
      .filter(({ name }) => !SERVERS.has(name))
      .filter(({ command }) => !command.options.some((o) => o.long === '--json'))
      .map(({ name }) => name);
    expect(missing).toEqual([]);
  });
});
