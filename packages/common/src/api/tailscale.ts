import * as z from 'zod';

/** `GET /api/tailscale/policy`: the tailnet's live policy file (HuJSON text) as the Tailscale API returns it. */
export const TailscalePolicyResponse = z.object({
  /** The policy file exactly as stored (HuJSON: comments and trailing commas allowed). */
  policy: z.string(),
  /** The API's ETag, for a later conditional update. */
  etag: z.string().nullable(),
});
export type TailscalePolicyResponse = z.infer<typeof TailscalePolicyResponse>;

/** The tags PodPilot's policy is written for. */
export const TAILSCALE_TAGS = { hub: 'tag:podpilot-hub', agent: 'tag:podpilot-agent' } as const;
