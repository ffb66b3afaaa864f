import type { Command } from 'commander';

/** `podpilot agent`: what runs inside each GPU container (configured by the hub through the environment). */
export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description(
      'run the agent in an instance: register with the hub, provision the profile, start and watch the WebUI ' +
        '(PODPILOT_HUB_URL, PODPILOT_BOOTSTRAP_TOKEN, PODPILOT_WORKSPACE, PODPILOT_PROVIDER)',
    )
    .action(async () => {
      const { createProgressDisplay, loadAgentConfig, runAgent } = await import('@podpilot/agent');
      const config = loadAgentConfig();
      const stop = new AbortController();
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
      await runAgent(config, {
        signal: stop.signal,
        say: (line) => process.stdout.write(`${line}\n`),
        // Live bars on a terminal; plain lines when the output goes to a log.
        createDisplay: (progress) => createProgressDisplay(progress),
      });
    });
}
