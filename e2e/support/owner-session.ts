import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { HubProcess } from './hub-process.js';

const CLI = fileURLToPath(new URL('../../apps/cli/dist/main.js', import.meta.url));

/**
 * The owner at a hub process with an API token: `podpilot(...args)` runs the real CLI (built) against it,
 * `api(path)` GETs an owner route and expects 200. Both read the hub and token when called.
 */
export function ownerSession(session: () => { hub: HubProcess; token: string }) {
  const podpilot = (...args: string[]) => {
    const { hub, token } = session();
    const res = spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, PODPILOT_URL: hub.url, PODPILOT_TOKEN: token },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr };
  };
  const api = async <T>(path: string): Promise<T> => {
    const { hub, token } = session();
    const res = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as T;
  };
  return { podpilot, api };
}
