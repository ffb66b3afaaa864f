import { HttpFailure, httpRequest } from '@podpilot/common/node';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Asks a model site for the file's sha256 without downloading it. Hugging Face answers the resolve URL
 * with a redirect whose `X-Linked-Etag` (or `ETag`) is the LFS sha256. Redirects are not followed: the
 * first answer carries the header, and no credentials could leak to another host. Null when unknown;
 * throws the HTTP core's HttpFailure when the site cannot be reached in 15 s.
 */
export async function remoteSha256(url: string, fetchImpl: typeof fetch = fetch): Promise<string | null> {
  const res = await httpRequest(
    { method: 'HEAD', url, redirect: 'manual', timeoutMs: 15_000 },
    { fetch: fetchImpl },
  ).catch((error: unknown) => {
    // An error status still carries headers worth reading.
    if (error instanceof HttpFailure && error.response) return error.response;
    throw error;
  });
  for (const header of ['x-linked-etag', 'etag']) {
    const value = res.headers.get(header)?.replace(/^W\//, '').replaceAll('"', '').toLowerCase();
    if (value && SHA256.test(value)) return value;
  }
  return null;
}
