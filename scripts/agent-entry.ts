// Entry of the agent bundle (`npm run bundle:agent` → docker/build/podpilot-agent.mjs): `podpilot agent` and
// nothing else. The CLI's own main.ts registers `podpilot hub` too, which would pull the hub (fastify, sharp,
// PGlite…) into the GPU images; this entry keeps the agent image to the agent.
import { ConfigError, PODPILOT_VERSION } from '@podpilot/common';
import { Command } from 'commander';
import { registerAgentCommand } from '../apps/cli/src/commands/agent.js';

const program = new Command('podpilot')
  .description('PodPilot agent: runs in each GPU instance, configured by the hub through the environment')
  .version(PODPILOT_VERSION)
  .showHelpAfterError();
registerAgentCommand(program);

try {
  await program.parseAsync();
} catch (error) {
  // The same exits as apps/cli/src/main.ts: a bad setting is one line naming the variable, exit code 2.
  if (error instanceof ConfigError) {
    process.stderr.write(`podpilot: ${error.message}\n`);
    process.exit(2);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`podpilot: ${message}\n`);
  if (process.env.PODPILOT_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}
