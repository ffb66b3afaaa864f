import { spawn } from 'node:child_process';
import { type InstanceSummary, instancesEndpoints } from '@podpilot/common';
import { CliError } from './cli-error.js';
import type { HubClient } from './hub-client.js';

/**
 * The address that opens the instance's WebUI: for a public address a short-lived signed link from the hub
 * (the agent's proxy lets nothing else in), otherwise the address itself. Throws CliError while the
 * instance has no way in (not running, or the provider has not said its address yet).
 */
export async function webuiUrl(hub: HubClient, instance: Pick<InstanceSummary, 'id' | 'name' | 'state'>) {
  const { access } = await hub.call(instancesEndpoints.get, { params: { id: instance.id } });
  if (!access)
    throw new CliError(`${instance.name} serves no WebUI while ${instance.state}; see podpilot ps`);
  if (!access.url)
    throw new CliError(
      `${instance.name}: the provider has not said the WebUI's address yet; try again shortly`,
    );
  if (access.kind !== 'public') return access.url;
  return (await hub.call(instancesEndpoints.webuiLink, { params: { id: instance.id } })).url;
}

/**
 * Opens `url` in the browser: `$BROWSER` when set, else the platform's opener (open, start, xdg-open).
 * Does not wait for the browser; throws CliError when the opener cannot be started.
 */
export function openInBrowser(url: string): Promise<void> {
  const [command, args] = process.env.BROWSER
    ? [process.env.BROWSER, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', (error) =>
      reject(new CliError(`could not open a browser (${command}: ${error.message}); the address is ${url}`)),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
