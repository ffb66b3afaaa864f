import * as z from 'zod';
import { hostOfModelHostSecret, MODEL_SITE_SECRETS } from './model-site-secrets.js';

const Timestamp = z.iso.datetime({ message: 'expected an ISO-8601 time with a Z offset' });

export const ProviderKind = z.enum(['vastai', 'runpod', 'local'], {
  error: 'expected a provider: vastai, runpod or local',
});
export type ProviderKind = z.infer<typeof ProviderKind>;

/** `GET /api/offers`: both providers' offers merged, cheapest first. */
export const OffersQuery = z.object({
  gpu: z.string().min(1).max(100).optional(),
  gpuCount: z.coerce.number().int().min(1).max(16).optional(),
  maxPrice: z.coerce.number().positive('expected a price per hour above 0').optional(),
  minVram: z.coerce.number().positive('expected GiB of GPU memory').optional(),
  cuda: z
    .string()
    .regex(/^\d+\.\d+$/, 'expected a CUDA version like 12.4')
    .optional(),
  provider: ProviderKind.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type OffersQuery = z.infer<typeof OffersQuery>;

export const OfferSummary = z.object({
  provider: ProviderKind,
  id: z.string(),
  gpuName: z.string(),
  gpuCount: z.number().int(),
  vramGb: z.number(),
  pricePerHour: z.number(),
  cudaMax: z.string().nullable(),
  reliability: z.number().nullable(),
  downloadMbps: z.number().nullable(),
  diskGb: z.number().nullable(),
  location: z.string().nullable(),
});
export type OfferSummary = z.infer<typeof OfferSummary>;

export const OffersResponse = z.object({
  offers: z.array(OfferSummary),
  /** Providers that could not be asked (no API key, outage), with the reason; the others still answer. */
  unavailable: z.array(z.object({ provider: ProviderKind, reason: z.string() })),
});
export type OffersResponse = z.infer<typeof OffersResponse>;

/**
 * `POST /api/instances`: launch a profile version. Idempotent per `idempotencyKey` (a retried request with
 * the same key returns the same instance and never rents a second GPU).
 */
export const LaunchRequest = z.object({
  /** `name` or `name@version` (latest version when omitted). */
  profile: z.string().min(1, 'expected a profile name, optionally @version'),
  provider: ProviderKind,
  /** The offer to rent (`GET /api/offers`); not needed for `local`. */
  offerId: z.string().min(1).optional(),
  /** Chosen by the client, e.g. a UUID; the CLI makes one per `podpilot launch`. */
  idempotencyKey: z.string().min(8, 'expected at least 8 characters').max(200),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lowercase letters, digits and dashes (max 63)')
    .optional(),
  diskGb: z.number().int().min(10).max(2000).default(60),
  /**
   * How many times the hub may replace a rental that never reaches running (the provider reports it failed,
   * it is still starting past the boot timeout, or the offer was taken at launch): the old rental is
   * destroyed first, then a similar offer is rented (same GPU, at most 1.25× the original price).
   */
  relaunch: z.number().int().min(0).max(5).default(1),
});
export type LaunchRequest = z.infer<typeof LaunchRequest>;

/** `GET /api/instances/:id/transitions`: every state change with its cause. */
export const InstanceTransition = z.object({
  from: z.string().nullable(),
  to: z.string(),
  cause: z.string().nullable(),
  at: Timestamp,
});
export const ListTransitionsResponse = z.object({ transitions: z.array(InstanceTransition) });

const FIXED_SECRET_NAMES = [
  'vastai.api_key',
  'runpod.api_key',
  'tailscale.api_key',
  'tailscale.oauth_client_id',
  'tailscale.oauth_client_secret',
  'tailscale.tailnet',
  ...MODEL_SITE_SECRETS,
] as const;
const SECRET_NAMES_EXPECTED = `expected a secret name: ${FIXED_SECRET_NAMES.join(', ')} or model-host.<host>.header`;

/** `PUT /api/secrets/:name`: credentials, stored encrypted; never returned. The names with a fixed spelling. */
export const SecretName = z.enum(FIXED_SECRET_NAMES, { error: SECRET_NAMES_EXPECTED });
/** Any name the secrets store accepts: a fixed one, or `model-host.<host>.header` (docs/model-sources.md). */
export const AnySecretName = z
  .string({ error: SECRET_NAMES_EXPECTED })
  .refine((name) => SecretName.safeParse(name).success || hostOfModelHostSecret(name) !== null, {
    message: SECRET_NAMES_EXPECTED,
  });
export const PutSecretRequest = z.object({ value: z.string().min(1, 'expected the secret value').max(4096) });
export const ListSecretsResponse = z.object({
  secrets: z.array(z.object({ name: z.string(), updatedAt: Timestamp })),
});
