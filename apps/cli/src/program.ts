import { PODPILOT_VERSION } from '@podpilot/common';
import { Command } from 'commander';
import { registerAgentCommand } from './commands/agent.js';
import { registerBudgetCommands } from './commands/budget.js';
import { registerCostCommand } from './commands/cost.js';
import { registerDemoCommand } from './commands/demo.js';
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

/**
 * The `podpilot` program with every command. Usage errors are thrown (not an exit); with `json` they are not
 * printed either: the caller reports them as JSON.
 */
export function buildProgram(json: boolean): Command {
  const program = new Command('podpilot')
    .description('PodPilot: run image-diffusion work on rented GPUs')
    .version(PODPILOT_VERSION)
    .showHelpAfterError(!json)
    // Set before the commands are added, so each inherits it.
    .exitOverride();
  if (json) program.configureOutput({ outputError: () => {} });
  registerHubCommand(program);
  registerAgentCommand(program);
  registerLoginCommands(program);
  registerProfileCommands(program);
  registerModelsCommands(program);
  registerFilesCommands(program);
  registerOutputsCommands(program);
  registerOffersCommand(program);
  registerInstanceCommands(program);
  registerDemoCommand(program);
  registerSnapshotCommand(program);
  registerSecretsCommands(program);
  registerIdleCommands(program);
  registerCostCommand(program);
  registerBudgetCommands(program);
  registerTailscaleCommands(program);
  registerNotifyCommands(program);
  return program;
}
