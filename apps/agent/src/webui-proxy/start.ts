import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { AgentStateFile } from '../hub/agent-state.js';
import { WebuiProxy } from './webui-proxy.js';

/** A TCP port free on 127.0.0.1 now (the WebUI behind the proxy takes it moments later). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface LinkProxySettings {
  /** The agent's state file (token, link key); used nonces and sessions are kept beside it. */
  stateFile: string;
  instanceId: string;
  /** Where browsers come in (the UI's port on the provider's address), on every address. */
  publicPort: number;
  /** Where the WebUI listens on loopback. */
  internalPort: number;
  log: (line: string) => void;
}

/**
 * Starts the authenticating proxy in front of the WebUI with the link key the hub gave at registration.
 * Throws when there is no key (fail closed: the WebUI is never published without its proxy) or the public
 * port is taken.
 */
export async function startLinkProxy(settings: LinkProxySettings): Promise<WebuiProxy> {
  const saved = await new AgentStateFile(settings.stateFile).load();
  if (!saved?.webuiLinkKey)
    throw new Error(
      'PODPILOT_WEBUI_AUTH=link, but the hub gave this agent no WebUI link key: not publishing the WebUI',
    );
  const proxy = new WebuiProxy({
    instanceId: settings.instanceId,
    key: Buffer.from(saved.webuiLinkKey, 'base64'),
    target: { host: '127.0.0.1', port: settings.internalPort },
    stateDir: dirname(settings.stateFile),
    log: settings.log,
  });
  await proxy.listen(settings.publicPort);
  return proxy;
}
