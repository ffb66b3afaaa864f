import type { FastifyRequest } from 'fastify';

/** `tailscale serve` connects from this machine: only then can its identity headers be trusted. */
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Whether the request comes from the owner through `tailscale serve` on this machine: the identity login is
 * enabled (`ownerLogin`, from PODPILOT_TAILSCALE_OWNER), the connection is from the local serve proxy
 * (loopback; the hub trusts no X-Forwarded-For), and the `Tailscale-User-Login` header serve adds names that
 * login. Anyone who can reach the hub's port from this machine directly could send the header too: enable it
 * only when the hub listens on loopback behind serve.
 */
export function isTailscaleOwner(request: FastifyRequest, ownerLogin: string | undefined): boolean {
  if (!ownerLogin) return false;
  if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) return false;
  const login = request.headers['tailscale-user-login'];
  return typeof login === 'string' && login.trim().toLowerCase() === ownerLogin.trim().toLowerCase();
}
