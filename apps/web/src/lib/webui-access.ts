import type { WebuiAccess } from '@podpilot/common';

/**
 * Where the browser goes for the WebUI, or null when the address is not known (yet). `local` WebUIs run on
 * the hub's machine: the hub says 127.0.0.1, the browser uses the host it reached the hub on. `public` ones
 * are opened through a signed link (`needsLink`), never at this address directly.
 */
export function webuiHref(access: WebuiAccess | null, pageHost: string = window.location.hostname) {
  if (!access?.url) return null;
  if (access.kind !== 'local') return access.url;
  const url = new URL(access.url);
  url.hostname = pageHost;
  return url.toString();
}

/** Public addresses are fronted by the agent's proxy: the hub hands out a short-lived link to open them. */
export const needsLink = (access: WebuiAccess | null) => access?.kind === 'public';
