import { ApiError, AuthState, LoginRequest, SESSION_COOKIE, SetupRequest } from '@podpilot/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isTailscaleOwner } from '../plugins/tailscale-identity.js';
import type { AuthService, ClientMeta, NewSession } from '../services/auth/auth.service.js';

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
  const limited = { public: true, rateLimit: { max: loginMaxPerMinute, timeWindow: 60_000 } };
  const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 409: ApiError, 429: ApiError };

  app.get(
    '/api/auth/state',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Whether setup is needed and who is logged in',
        response: { 200: AuthState },
      },
    },
    async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      const user =
        (token ? await auth.userForSession(token) : null) ??
        (isTailscaleOwner(request, tailscaleOwner) ? await auth.owner() : null);
      return { setupRequired: await auth.isSetupRequired(), user };
    },
  );

  app.post(
    '/api/auth/setup',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Set the owner password with the setup link token',
        body: SetupRequest,
        response: { 200: AuthState, ...errors },
      },
    },
    async (request, reply) =>
      startSession(reply, await auth.completeSetup(request.body.token, request.body.password, meta(request))),
  );

  app.post(
    '/api/auth/login',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Log in as the owner; sets the session cookie',
        body: LoginRequest,
        response: { 200: AuthState, ...errors },
      },
    },
    async (request, reply) => startSession(reply, await auth.login(request.body.password, meta(request))),
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End this browser session',
        response: { 204: z.null(), 401: ApiError },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await auth.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );
};
