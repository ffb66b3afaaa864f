import { ConfigError } from '@podpilot/common';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { failureOf, wantsJson } from './failure.js';
import { HubError } from './hub-client.js';

describe('failureOf', () => {
  it('is one line (with details) on stderr, or one JSON object on stdout under --json', () => {
    const refused = new HubError('profile sdxl: not found', ['did you mean sdxl-base?'], 404);
    expect(failureOf(refused, false)).toEqual({
      stream: 'stderr',
      text: 'podpilot: profile sdxl: not found\n  did you mean sdxl-base?\n',
      exitCode: 1,
    });
    const json = failureOf(refused, true);
    expect(json).toMatchObject({ stream: 'stdout', exitCode: 1 });
    expect(JSON.parse(json.text)).toEqual({
      error: { message: 'profile sdxl: not found', details: ['did you mean sdxl-base?'], status: 404 },
    });
    expect(json.text.endsWith('}\n')).toBe(true);
  });

  it('keeps each kind of failure its exit code; a stack only for the unexpected, with debug', () => {
    expect(failureOf(new CliError('nope', [], 3), true).exitCode).toBe(3);
    expect(failureOf(new ConfigError(['PODPILOT_PORT: expected a port']), false)).toMatchObject({
      exitCode: 2,
      text: 'podpilot: invalid configuration: PODPILOT_PORT: expected a port\n',
    });
    const usage = new CommanderError(1, 'commander.unknownOption', "error: unknown option '--bogus'");
    expect(JSON.parse(failureOf(usage, true).text)).toEqual({
      error: { message: "unknown option '--bogus'", details: [] },
    });
    const bug = new TypeError('x is undefined');
    expect(failureOf(bug, false).text).toBe('podpilot: x is undefined\n');
    expect(failureOf(bug, false, true).text).toMatch(
      /^podpilot: x is undefined\nTypeError: x is undefined\n {4}at /,
    );
  });
});

describe('wantsJson', () => {
  it('sees --json before a `--` only', () => {
    expect(wantsJson(['ps', '--json'])).toBe(true);
    expect(wantsJson(['ps'])).toBe(false);
    expect(wantsJson(['profile', 'apply', '--', '--json'])).toBe(false);
  });
});
