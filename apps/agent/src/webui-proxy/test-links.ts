import { createHmac, randomBytes } from 'node:crypto';

/** A link as the hub signs it (services/instances/webui-links.service.ts), for the proxy's tests. */
export function testLink(key: Buffer, claims: { i: string; n?: string; e: number }): string {
  const payload = Buffer.from(
    JSON.stringify({ n: randomBytes(16).toString('base64url'), ...claims }),
  ).toString('base64url');
  return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}
