import {
  comparePolicy,
  DEFAULT_HUB_PORT,
  endpoints,
  errorMessage,
  HuJsonError,
  PolicyNotModelledError,
  parsePolicy,
  podpilotPolicy,
  type TailscaleCheckResponse,
} from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { conflict, HttpError } from '../lib/http-error.js';
import { AuthError, ProviderError, RateLimitedError } from '../providers/errors.js';
import type { SecretsService } from '../services/auth/secrets.service.js';
import {
  TAILSCALE_SECRETS,
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

/** The owner the web check writes the wanted policy for: `podpilot tailscale check`'s default. */
const CHECK_OWNER = 'autogroup:admin';

export interface TailscaleRoutesOptions {
  tailscale: TailscaleService;
  /** To tell which credentials are stored (names only); without it the check names none. */
  secrets?: Pick<SecretsService, 'list'>;
  /** The port the hub listens on (PODPILOT_PORT), for the wanted policy; default 7300. */
  hubPort?: number;
}

/** The live policy's differences from the wanted one, or why they could not be told. */
async function checkLivePolicy(
  tailscale: TailscaleService,
  hubPort: number,
): Promise<Pick<TailscaleCheckResponse, 'status' | 'differences' | 'message'>> {
  let text: string;
  try {
    text = (await tailscale.policy()).policy;
  } catch (error) {
    if (error instanceof TailscaleNotConfiguredError)
      return { status: 'not-configured', differences: [], message: error.message };
    const answer = answerFor(error);
    if (answer instanceof HttpError) return { status: 'unchecked', differences: [], message: answer.message };
    throw error;
  }
  try {
    const differences = comparePolicy(parsePolicy(text), podpilotPolicy({ hubPort, owner: CHECK_OWNER }));
    return { status: differences.length ? 'differs' : 'matches', differences, message: null };
  } catch (error) {
    if (error instanceof PolicyNotModelledError)
      return {
        status: 'unchecked',
        differences: error.constructs,
        message: 'the live policy uses what the check does not model, so it cannot tell whether it is enough',
      };
    if (error instanceof HuJsonError)
      return {
        status: 'unchecked',
        differences: [],
        message: `the policy file could not be read: ${errorMessage(error)}`,
      };
    throw error;
  }
}

/**
 * `/api/tailscale`: what the hub knows of the tailnet. `GET /api/tailscale/check` runs `podpilot tailscale
 * check` with its defaults (owner `autogroup:admin`) and the hub's own port, answering 200 in every case
 * (`status` says whether it could check) so the settings page can show it.
 */
export const tailscaleRoutes: FastifyPluginAsyncZod<TailscaleRoutesOptions> = async (
  app,
  { tailscale, secrets, hubPort = DEFAULT_HUB_PORT },
) => {
  route(app, endpoints.tailscale.policy, async () => {
    try {
      return await tailscale.policy();
    } catch (error) {
      throw answerFor(error);
    }
  });

  route(app, endpoints.settings.tailscaleCheck, async () => {
    const stored = new Set((await secrets?.list())?.map((s) => s.name) ?? []);
    const credentials =
      stored.has(TAILSCALE_SECRETS.oauthClientId) && stored.has(TAILSCALE_SECRETS.oauthClientSecret)
        ? ('oauth' as const)
        : stored.has(TAILSCALE_SECRETS.apiKey)
          ? ('api_key' as const)
          : null;
    const check = await checkLivePolicy(tailscale, hubPort);
    return { credentials, ...check, hubPort, owner: CHECK_OWNER };
  });
};
