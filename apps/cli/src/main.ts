#!/usr/bin/env node
import { PODPILOT_VERSION } from '@podpilot/common';
import { ConfigError, MigrationError } from '@podpilot/hub';
import { Command } from 'commander';
import { registerHubCommand } from './commands/hub.js';

const program = new Command('podpilot')
  .description('PodPilot: run image-diffusion work on rented GPUs')
  .version(PODPILOT_VERSION)
  .showHelpAfterError();
registerHubCommand(program);

try {
  await program.parseAsync();
} catch (error) {
  // Expected failures are one clear line; only the unexpected get a stack (with PODPILOT_DEBUG=1).
  if (error instanceof ConfigError || error instanceof MigrationError) {
    process.stderr.write(`podpilot: ${error.message}\n`);
    process.exit(2);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`podpilot: ${message}\n`);
  if (process.env.PODPILOT_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}
