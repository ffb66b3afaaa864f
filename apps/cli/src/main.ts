#!/usr/bin/env node
import { CommanderError } from 'commander';
import { failureOf, wantsJson } from './lib/failure.js';
import { buildProgram } from './program.js';

const json = wantsJson(process.argv.slice(2));
const program = buildProgram(json);
try {
  await program.parseAsync();
} catch (error) {
  // --help and --version end through here too, successfully; a usage error was printed by commander.
  if (error instanceof CommanderError && (error.exitCode === 0 || !json)) process.exit(error.exitCode);
  const failure = failureOf(error, json, process.env.PODPILOT_DEBUG === '1');
  process[failure.stream].write(failure.text);
  process.exit(failure.exitCode);
}
