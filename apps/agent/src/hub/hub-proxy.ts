import type { FetchLike } from '@podpilot/common';
import { ProxyAgent, fetch as undiciFetch } from 'undici';

/**
 * A fetch whose every request goes through the HTTP proxy at `proxyUrl`. An `http://` hub is asked in
 * absolute form (`GET http://hub:7300/… HTTP/1.1` to the proxy, plain forwarding); an `https://` hub through
 * a CONNECT tunnel. tailscaled's HTTP proxy does both. undici's own fetch is used with its ProxyAgent so the
 * dispatcher always matches the fetch (Node 20 bundles undici 6; the agent depends on undici 7).
 */
export function proxiedFetch(proxyUrl: string): { fetch: FetchLike; close: () => Promise<void> } {
  const dispatcher = new ProxyAgent({ uri: proxyUrl, proxyTunnel: false });
  return {
    fetch: (url, init) => undiciFetch(url, { ...init, dispatcher }),
    close: () => dispatcher.close(),
  };
}
