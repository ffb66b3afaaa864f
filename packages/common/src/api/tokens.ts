import * as z from 'zod';

/** `POST /api/tokens`: a named API token for the CLI or scripts. */
export const CreateApiTokenRequest = z.object({
  name: z.string().trim().min(1, 'expected a name').max(100, 'expected at most 100 characters'),
});
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;

export const ApiTokenSummary = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the token, to recognise it; the rest is never stored. */
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiTokenSummary = z.infer<typeof ApiTokenSummary>;

/** The only answer that ever contains the token's secret text. */
export const CreatedApiToken = ApiTokenSummary.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

export const ListApiTokensResponse = z.object({ tokens: z.array(ApiTokenSummary) });
export type ListApiTokensResponse = z.infer<typeof ListApiTokensResponse>;
