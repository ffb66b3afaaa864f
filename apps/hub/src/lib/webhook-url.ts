import { OutboundAllowlist, outboundUrlProblem } from './outbound-address.js';

export const WEBHOOK_REFUSED =
  'expected a public http(s) address, got one that resolves to a private address (list it in PODPILOT_OUTBOUND_ALLOW to permit it)';

/**
 * Why a webhook URL cannot be saved, judged by what it says (no lookup): not http(s), a metadata or
 * localhost name, or a literal address that is neither public nor in `allow` (`PODPILOT_OUTBOUND_ALLOW`);
 * null when it can.
 * A name that resolves to a private address is refused when the POST connects.
 */
export function webhookUrlProblem(url: string, allow: readonly string[] = []): string | null {
  const problem = outboundUrlProblem(url, new OutboundAllowlist(allow));
  return problem && problem !== 'expected an http(s) URL' ? WEBHOOK_REFUSED : problem;
}
