#!/usr/bin/env node
import { ConfigError, errorMessage, PODPILOT_VERSION } from '@podpilot/common';
import { Command } from 'commander';
import { registerAgentCommand } from './commands/agent.js';
import { registerBudgetCommands } from './commands/budget.js';
import { registerCostCommand } from './commands/cost.js';
import { registerFilesCommands } from './commands/files.js';
import { registerHubCommand } from './commands/hub.js';
import { registerIdleCommands } from './commands/idle.js';
import { registerInstanceCommands } from './commands/instances.js';
import { registerLoginCommands } from './commands/login.js';
import { registerModelsCommands } from './commands/models.js';
import { registerNotifyCommands } from './commands/notify.js';
import { registerOffersCommand } from './commands/offers.js';
import { registerOutputsCommands } from './commands/outputs.js';
import { registerProfileCommands } from './commands/profile.js';
import { registerSecretsCommands } from './commands/secrets.js';
import { registerSnapshotCommand } from './commands/snapshot.js';
import { registerTailscaleCommands } from './commands/tailscale.js';
import { CliError } from './lib/cli-error.js';

const program = new Command('podpilot')
  .description('PodPilot: run image-diffusion work on rented GPUs')
  .version(PODPILOT_VERSION)
  .showHelpAfterError();
registerHubCommand(program);
registerAgentCommand(program);
registerLoginCommands(program);
registerProfileCommands(program);
registerModelsCommands(program);
registerFilesCommands(program);
registerOutputsCommands(program);
registerOffersCommand(program);
registerInstanceCommands(program);
registerSnapshotCommand(program);
registerSecretsCommands(program);
registerIdleCommands(program);
registerCostCommand(program);
registerBudgetCommands(program);
registerTailscaleCommands(program);
registerNotifyCommands(program);

try {
  await program.parseAsync();
} catch (error) {
  // Expected failures are one clear line; only the unexpected get a stack (with PODPILOT_DEBUG=1).
  if (error instanceof CliError) {
    process.stderr.write(`podpilot: ${error.message}\n${error.details.map((d) => `  ${d}\n`).join('')}`);
    process.exit(error.exitCode);
  }
  if (error instanceof ConfigError || (error instanceof Error && error.name === 'MigrationError')) {
    process.stderr.write(`podpilot: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const message = errorMessage(error);
  process.stderr.write(`podpilot: ${message}\n`);
  if (process.env.PODPILOT_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}
