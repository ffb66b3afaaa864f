import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { executable } from '../tailscale-stubs.js';

/** Where the real Tailscale API lives; the hub process has no setting for it, so the preload redirects it. */
const TAILSCALE_API = 'https://api.tailscale.com/api/v2';

/**
 * A `git` that logs its argv to `log`, then runs the real one: counts the agent's fetches of a checkout
 * (the agent runs `git` from PATH).
 */
export function gitShim(binDir: string, log: string): void {
  const real = process.env.JOURNEY_REAL_GIT ?? '/usr/bin/git';
  executable(
    join(binDir, 'git'),
    `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(log)}\nexec ${real} "$@"\n`,
  );
}

/** How many `git fetch`/`git clone` calls the shim logged (`fetch … -- origin <commit>`: no URL on the line). */
export const fetchesOf = (logText: string) =>
  logText.split('\n').filter((l) => /(^|\s)(fetch|clone)\s/.test(l)).length;

/**
 * A module node preloads (`NODE_OPTIONS=--import`) into the hub and into the local provider's agents:
 * - in the hub, Tailscale API calls go to `JOURNEY_TAILSCALE_URL` (the fake) instead of api.tailscale.com;
 * - an agent that starts while `<dir>/cut-off-next` exists takes that file and can reach nothing over
 *   fetch: the local column's agent that never registers (a wrong hub URL, as the containers get).
 */
export function writePreload(dir: string): string {
  const path = join(dir, 'journey-preload.mjs');
  writeFileSync(
    path,
    `import { renameSync } from 'node:fs';
const tailscale = process.env.JOURNEY_TAILSCALE_URL;
const cutOffFile = ${JSON.stringify(join(dir, 'cut-off-next'))};
let cutOff = false;
if (cutOffFile && process.argv.includes('agent')) {
  try {
    renameSync(cutOffFile, cutOffFile + '.taken-by-' + process.pid);
    cutOff = true;
  } catch {}
}
const original = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (cutOff) return Promise.reject(new TypeError('fetch failed (journey: this agent has a wrong hub URL)'));
  if (tailscale && url.startsWith(${JSON.stringify(TAILSCALE_API)}))
    return original(tailscale + url.slice(${TAILSCALE_API.length}), init);
  return original(input, init);
};
`,
  );
  return path;
}
