import * as z from 'zod';

/**
 * `POST /api/instances/:id/webui-link`: where the owner's browser goes to open the WebUI. For an instance
 * reached on its provider's public address, a one-time link (valid ≤ 60 s) the agent's proxy trades for a
 * session cookie; otherwise (tailnet, local) the WebUI's own address.
 */
export const WebuiLinkResponse = z.object({
  url: z.string(),
  /** When the link stops working (ISO 8601); null for an address that needs no link. */
  expiresAt: z.string().nullable(),
});
export type WebuiLinkResponse = z.infer<typeof WebuiLinkResponse>;
