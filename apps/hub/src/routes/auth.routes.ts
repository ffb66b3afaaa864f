import { type AuthState, endpoints, SESSION_COOKIE } from '@podpilot/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isTailscaleOwner } from '../plugins/tailscale-identity.js';
import type { AuthService, ClientMeta, NewSession } from '../services/auth/auth.service.js';
import { route } from './route.js';

const api = endpoints.auth;

export interface AuthRoutesOptions {
  auth: AuthService;
  secureCookies: boolean;
  loginMaxPerMinute: number;
  /** The owner's tailnet login whose `tailscale serve` identity counts as logged in (off when unset). */
  tailscaleOwner?: string | undefined;
}

const meta = (request: FastifyRequest): ClientMeta => ({
  ip: request.ip ?? null,
  userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
});

/** `/api/auth/*`: setup with the one-time link, login, logout, and the state the web app starts from. */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (
  app,
  { auth, secureCookies, loginMaxPerMinute, tailscaleOwner },
) => {
  const startSession = (reply: FastifyReply, session: NewSession): AuthState => {
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      path: '/',
      expires: session.expiresAt,
    });
    return { setupRequired: false, user: session.user };
  };
  const limited = { rateLimit: { max: loginMaxPerMinute, timeWindow: 60_000 } };

  route(app, api.state, async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    const user =
      (token ? await auth.userForSession(token) : null) ??
      (isTailscaleOwner(request, tailscaleOwner) ? await auth.owner() : null);
    return { setupRequired: await auth.isSetupRequired(), user };
  });

  route(
    app,
    api.setup,
    async (request, reply) =>
      startSession(reply, await auth.completeSetup(request.body.token, request.body.password, meta(request))),
    { config: limited },
  );

  route(
    app,
    api.login,
    async (request, reply) => startSession(reply, await auth.login(request.body.password, meta(request))),
    { config: limited },
  );

  route(app, api.logout, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await auth.logout(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });
};
