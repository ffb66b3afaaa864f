import { ConfigError, errorMessage } from '@podpilot/common';
import { CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { HubError } from './hub-client.js';

/** How a failed command ends: what it prints (stdout under `--json`, else stderr) and its exit code. */
export interface Failure {
  stream: 'stdout' | 'stderr';
  text: string;
  exitCode: number;
}

/** Whether the command line asks for JSON (`--json` before any `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * The report of a failed command. Expected failures (CliError, a hub's refusal, bad configuration, a usage
 * error) are one clear line, or under `--json` one object `{"error": {"message", "details", "status"?}}` on
 * stdout, where a script reads; anything else is reported alike with exit code 1 (its stack only with
 * `debug`).
 */
export function failureOf(error: unknown, json: boolean, debug = false): Failure {
  const exitCode =
    error instanceof CliError
      ? error.exitCode
      : error instanceof ConfigError || (error instanceof Error && error.name === 'MigrationError')
        ? 2
        : error instanceof CommanderError
          ? error.exitCode
          : 1;
  const message =
    error instanceof CommanderError ? error.message.replace(/^error: /, '') : errorMessage(error);
  const details = error instanceof CliError ? error.details : [];
  if (json) {
    const status = error instanceof HubError && error.status !== undefined ? { status: error.status } : {};
    return {
      stream: 'stdout',
      text: `${JSON.stringify({ error: { message, details, ...status } })}\n`,
      exitCode,
    };
  }
  const expected = error instanceof CliError || exitCode === 2 || error instanceof CommanderError;
  const stack = !expected && debug && error instanceof Error ? `${error.stack}\n` : '';
  return {
    stream: 'stderr',
    text: `podpilot: ${message}\n${details.map((d) => `  ${d}\n`).join('')}${stack}`,
    exitCode,
  };
}
