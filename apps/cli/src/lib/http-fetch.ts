import http from 'node:http';
import type { FetchAnswer, FetchInit, FetchLike } from '@podpilot/common';

/**
 * The API client's `fetch` on node:http. Why not the global fetch: Node's fetch parses HTTP with undici's
 * WebAssembly llhttp, and a process that used it lingers 60–100 ms after its last answer while V8 finishes
 * compiling that module in the background (measured: `podpilot ps` 250 ms with fetch, ~160 ms without).
 * One request per connection (no pool to close); a network failure rejects like fetch does, a TypeError whose
 * `cause` is the system error (`ECONNREFUSED`, …), so callers read both the same way.
 */
export const httpFetch: FetchLike = async (url, init) => {
  const target = new URL(url);
  // node:https only when asked for: loading it costs a local hub's CLI run ~2 ms.
  const send = target.protocol === 'https:' ? (await import('node:https')).request : http.request;
  return new Promise<FetchAnswer>((resolve, reject) => {
    const failed = (cause: unknown) => reject(new TypeError('fetch failed', { cause }));
    if (init.signal?.aborted) return failed(init.signal.reason);
    const request = send(target, { method: init.method, headers: requestHeaders(init) }, (answer) => {
      const chunks: Buffer[] = [];
      const body = new Promise<string>((done, broke) => {
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
        answer.on('error', broke);
        answer.on('aborted', () => broke(new Error('the connection closed before the answer ended')));
      });
      body.catch(() => {}); // read (and rejected) only when the caller asks for the text
      const status = answer.statusCode ?? 0;
      resolve({
        status,
        statusText: answer.statusMessage ?? '',
        ok: status >= 200 && status < 300,
        headers: { get: (name) => headerValue(answer.headers[name.toLowerCase()]) },
        text: () => body,
      });
    });
    request.on('error', failed);
    init.signal?.addEventListener('abort', () => request.destroy(init.signal?.reason), { once: true });
    request.end(init.body);
  });
};

function requestHeaders(init: FetchInit): Record<string, string> {
  const headers: Record<string, string> = { connection: 'close', ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  return headers;
}

/** Like fetch's Headers.get: several values joined with ", ". */
function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
