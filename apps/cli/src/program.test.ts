import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, commandModulesFor } from './command-table.js';
import { loadRegisters } from './load-commands.js';
import { buildProgram } from './program.js';

/** Every command that does something (not a group of subcommands), as `podpilot a b`. */
function leaves(command: Command, path: string[] = []): { name: string; command: Command }[] {
  const here = [...path, command.name()];
  if (command.commands.length === 0) return [{ name: here.join(' '), command }];
  return command.commands.flatMap((sub) => leaves(sub, here));
}

/** Long-running processes with their own log formats, not commands that answer. */
const SERVERS = new Set(['podpilot hub', 'podpilot agent']);

const ALL = COMMAND_MODULES.flatMap((entry) => entry.names);

describe('the podpilot program', () => {
  it('takes --json on every command', async () => {
    const missing = leaves(buildProgram(false, await loadRegisters()))
      .filter(({ name }) => !SERVERS.has(name))
      .filter(({ command }) => !command.options.some((o) => o.long === '--json'))
      .map(({ name }) => name);
    expect(missing).toEqual([]);
  });

  it('names in its table exactly the commands each module adds, so a run loads the right one', async () => {
    for (const entry of COMMAND_MODULES) {
      const alone = new Command('podpilot');
      for (const register of await loadRegisters([entry])) register(alone);
      expect(alone.commands.map((c) => c.name())).toEqual(entry.names);
    }
    const all = buildProgram(false, await loadRegisters()).commands.map((c) => c.name());
    expect(all).toEqual(ALL);
  });

  it('loads only the named command, nothing for --version, everything for help or a typo', () => {
    const names = (args: string[]) => commandModulesFor(args).flatMap((entry) => entry.names);
    expect(names(['ps', '--json'])).toEqual(['ps']);
    expect(names(['stop', 'x'])).toEqual(['launch', 'stop', 'start', 'destroy', 'logs', 'events', 'open']);
    expect(names(['--json', 'profile', 'ls'])).toEqual(['profile']);
    expect(names(['--version'])).toEqual([]);
    expect(names(['--help'])).toEqual(ALL);
    expect(names([])).toEqual(ALL);
    expect(names(['help', 'ps'])).toEqual(ALL);
    expect(names(['pss'])).toEqual(ALL);
  });
});
