import { PODPILOT_VERSION } from '@podpilot/common';
import { Command, CommanderError } from 'commander';
import { failureOf, wantsJson } from './lib/failure.js';

/** Adds one module's commands to a program. */
export type Register = (program: Command) => void;

/**
 * The `podpilot` program with the commands `registers` add. Usage errors are thrown (not an exit); with
 * `json` they are not printed either: the caller reports them as JSON.
 */
export function buildProgram(json: boolean, registers: readonly Register[]): Command {
  const program = new Command('podpilot')
    .description('PodPilot: run image-diffusion work on rented GPUs')
    .version(PODPILOT_VERSION)
    .showHelpAfterError(!json)
    // Set before the commands are added, so each inherits it.
    .exitOverride();
  if (json) program.configureOutput({ outputError: () => {} });
  for (const register of registers) register(program);
  return program;
}

/** Runs the program with `registers` on this process's arguments, reports a failure and sets the exit code. */
export async function runPodpilot(registers: readonly Register[]): Promise<void> {
  const json = wantsJson(process.argv.slice(2));
  try {
    await buildProgram(json, registers).parseAsync();
  } catch (error) {
    // --help and --version end through here too, successfully; a usage error was printed by commander.
    if (error instanceof CommanderError && (error.exitCode === 0 || !json)) process.exit(error.exitCode);
    const failure = failureOf(error, json, process.env.PODPILOT_DEBUG === '1');
    process[failure.stream].write(failure.text);
    process.exit(failure.exitCode);
  }
}
