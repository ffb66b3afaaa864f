import { endpoints } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { conflict, HttpError } from '../lib/http-error.js';
import { AuthError, ProviderError, RateLimitedError } from '../providers/errors.js';
import {
  TailscaleNotConfiguredError,
  type TailscaleService,
} from '../services/tailscale/tailscale.service.js';
import { route } from './route.js';

/** A Tailscale failure as an API answer (the client's messages carry no credentials). */
function answerFor(error: unknown): unknown {
  if (error instanceof TailscaleNotConfiguredError) return conflict(error.message);
  if (error instanceof RateLimitedError) {
    const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    return new HttpError(429, 'rate_limited', error.message, undefined, { 'retry-after': String(seconds) });
  }
  if (error instanceof AuthError) {
    return conflict(`${error.message} (check the stored Tailscale credentials and their scopes)`);
  }
  if (error instanceof ProviderError) return new HttpError(502, 'internal', error.message);
  return error;
}

/** `/api/tailscale`: what the hub knows of the tailnet. */
export const tailscaleRoutes: FastifyPluginAsyncZod<{ tailscale: TailscaleService }> = async (
  app,
  { tailscale },
) => {
  route(app, endpoints.tailscale.policy, async () => {
    try {
      return await tailscale.policy();
    } catch (error) {
      throw answerFor(error);
    }
  });
};
