import * as z from 'zod';

/**
 * `GET /api/settings/storage`: where the hub keeps models, outputs and snapshots, as set when it started
 * (`PODPILOT_STORAGE` and the `PODPILOT_S3_*` variables). Never the access keys.
 */
export const StorageSettingsResponse = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }),
  z.object({
    kind: z.literal('s3'),
    /** The endpoint URL (`PODPILOT_S3_ENDPOINT`); null for AWS S3's own. */
    endpoint: z.string().nullable(),
    region: z.string(),
    bucket: z.string(),
    forcePathStyle: z.boolean(),
  }),
]);
export type StorageSettingsResponse = z.infer<typeof StorageSettingsResponse>;

/**
 * `GET /api/tailscale/check`: which Tailscale credentials the hub uses and what `podpilot tailscale check`
 * (with its defaults and the hub's own port) says of the tailnet's live policy.
 * - `not-configured`: neither `tailscale.api_key` nor both OAuth client secrets are stored;
 * - `matches`: the live policy enforces what PodPilot needs; `differs`: `differences` lists why not;
 * - `unchecked`: the policy could not be read or checked (refused credentials, an outage, a policy the check
 *   does not model); `message` says why.
 */
export const TailscaleCheckResponse = z.object({
  /** The credentials in use: the OAuth client when both of its secrets are stored, else the API key. */
  credentials: z.enum(['oauth', 'api_key']).nullable(),
  status: z.enum(['not-configured', 'matches', 'differs', 'unchecked']),
  differences: z.array(z.string()),
  message: z.string().nullable(),
  /** The hub port and owner the wanted policy was written for. */
  hubPort: z.number().int(),
  owner: z.string(),
});
export type TailscaleCheckResponse = z.infer<typeof TailscaleCheckResponse>;
