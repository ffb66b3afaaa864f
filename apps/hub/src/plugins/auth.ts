import { CSRF_HEADER, SESSION_COOKIE, type User } from '@podpilot/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../lib/http-error.js';
import type { ApiTokensService } from '../services/auth/api-tokens.service.js';
import type { AuthService } from '../services/auth/auth.service.js';
import { isTailscaleOwner } from './tailscale-identity.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without authentication. Every other `/api/*` route requires a session or an API token. */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated owner; set on every non-public `/api/*` route. */
    user: User | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The authenticated user of a route that required auth (never null there). */
export function requireUser(request: FastifyRequest): User {
  if (!request.user) throw unauthorized();
  return request.user;
}

/**
 * Authenticates every `/api/*` request unless its route is marked `config.public`:
 * `Authorization: Bearer pp_…` (API token), the session cookie, or — when `tailscaleOwner` is set — the
 * owner's identity from `tailscale serve` (see tailscale-identity.ts). Cookie and identity requests that change
 * state must carry the CSRF header, which a cross-site form or fetch cannot add.
 */
export function registerAuth(
  app: FastifyInstance,
  auth: AuthService,
  apiTokens: ApiTokensService,
  tailscaleOwner?: string,
): void {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') || request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    if (header) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token)
        throw unauthorized('Authorization: expected "Bearer <API token>"');
      const user = await apiTokens.authenticate(token);
      if (!user) throw unauthorized('Authorization: the API token is unknown or revoked');
      request.user = user;
      return;
    }
    const session = request.cookies[SESSION_COOKIE];
    const user =
      (session ? await auth.userForSession(session) : null) ??
      (isTailscaleOwner(request, tailscaleOwner) ? await auth.owner() : null);
    if (!user) throw unauthorized();
    if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] === undefined) {
      throw forbidden(`${CSRF_HEADER}: this header is required on requests that change state`);
    }
    request.user = user;
  });
}
