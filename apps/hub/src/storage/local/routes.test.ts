import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBytes } from '../storage.contract.js';
import { type RunningLocalStorage, startLocalStorage } from '../test-support/local.js';

/** Signature, expiry and HTTP details of the local storage URLs: what s3rver cannot show (it checks no signature). */
describe('local storage URLs', () => {
  let local: RunningLocalStorage;
  let now = Date.now();
  beforeAll(async () => {
    local = await startLocalStorage({ now: () => now });
    await local.storage.put('outputs/i1/a.bin', testBytes(1000, 1), { contentType: 'image/webp' });
  });
  afterAll(async () => {
    await local?.close();
  });

  const forbidden = async (url: string, init?: RequestInit) => {
    const res = await fetch(url, init);
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('forbidden');
    return body.error.message;
  };
  const tamper = (url: string, name: string, value: string) => {
    const u = new URL(url);
    u.searchParams.set(name, value);
    return u.toString();
  };

  it('serves a good URL with the object headers, for GET and HEAD', async () => {
    const url = await local.storage.presignGet('outputs/i1/a.bin', { expiresInSeconds: 60 });
    expect(url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/storage\/v1\/object\?key=outputs%2Fi1%2Fa\.bin&op=get&exp=\d+&sig=[0-9a-f]{64}$/,
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'accept-ranges': 'bytes',
      'content-length': '1000',
      'content-type': 'image/webp',
      'x-content-type-options': 'nosniff',
      etag: (await local.storage.head('outputs/i1/a.bin'))?.etag,
    });
    expect(Buffer.from(await res.arrayBuffer())).toEqual(testBytes(1000, 1));
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('1000');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('refuses a URL whose signed Content-Type was changed with 403', async () => {
    const url = await local.storage.presignGet('outputs/i1/a.bin', {
      expiresInSeconds: 60,
      contentType: 'application/octet-stream',
    });
    expect((await fetch(url)).headers.get('content-type')).toBe('application/octet-stream');
    const type = [...new URL(url).searchParams.keys()].find((k) => !['key', 'op', 'exp', 'sig'].includes(k));
    await forbidden(tamper(url, type ?? 'type', 'text/html'));
  });

  it('refuses a tampered signature, key, operation or download name with 403', async () => {
    const url = await local.storage.presignGet('outputs/i1/a.bin', { expiresInSeconds: 60 });
    const sig = new URL(url).searchParams.get('sig') ?? '';
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    expect(await forbidden(tamper(url, 'sig', flipped))).toMatch(/signature does not match/);
    expect(await forbidden(tamper(url, 'sig', 'zz'))).toMatch(/signature does not match/);
    expect(await forbidden(tamper(url, 'key', 'outputs/i1/other.bin'))).toMatch(/signature does not match/);
    expect(await forbidden(tamper(url, 'name', 'evil.html'))).toMatch(/signature does not match/);
    expect(
      await forbidden(tamper(url, 'exp', String(Number(new URL(url).searchParams.get('exp')) + 3600))),
    ).toMatch(/signature/);
    expect(await forbidden(tamper(url, 'op', 'put'), { method: 'PUT', body: 'x' })).toMatch(
      /signature|not for/,
    );
    expect(await forbidden(url, { method: 'PUT', body: 'x' })).toMatch(/not for this operation/);
    expect(await forbidden(url.replace(/&sig=.*/, ''))).toMatch(/malformed/);
    expect(await forbidden(`${url}&sig=${sig}`)).toMatch(/malformed/);
  });

  it('refuses an expired URL with 403 naming the expiry', async () => {
    const url = await local.storage.presignGet('outputs/i1/a.bin', { expiresInSeconds: 30 });
    now += 29_000;
    expect((await fetch(url)).status).toBe(200);
    now += 2_000;
    expect(await forbidden(url)).toMatch(/expired at \d{4}-\d\d-\d\dT/);
    now = Date.now();
  });

  it('answers 404 for a signed key without an object', async () => {
    const res = await fetch(await local.storage.presignGet('outputs/i1/none.bin', { expiresInSeconds: 60 }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'storage object "outputs/i1/none.bin" not found' },
    });
  });

  it('answers ranges: suffix, open end, past the end (416), multiple (whole object)', async () => {
    const url = await local.storage.presignGet('outputs/i1/a.bin', { expiresInSeconds: 60 });
    const get = (range: string) => fetch(url, { headers: { range } });
    const suffix = await get('bytes=-10');
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe('bytes 990-999/1000');
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(testBytes(1000, 1).subarray(990));
    expect((await get('bytes=500-5000')).headers.get('content-range')).toBe('bytes 500-999/1000');
    const past = await get('bytes=1000-');
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */1000');
    expect((await get('bytes=0-1,5-6')).status).toBe(200);
  });

  it('enforces the signed Content-Length and Content-Type of a PUT', async () => {
    const url = await local.storage.presignPut('outputs/i1/b.txt', {
      expiresInSeconds: 60,
      contentLength: 5,
      contentType: 'text/plain',
    });
    expect(
      await forbidden(url, { method: 'PUT', body: 'too long', headers: { 'content-type': 'text/plain' } }),
    ).toMatch(/Content-Length: expected 5 as signed, got 8/);
    expect(
      await forbidden(url, { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/html' } }),
    ).toMatch(/Content-Type: expected "text\/plain" as signed/);
    // A streamed (chunked) body has no Content-Length up front: counted while writing instead.
    const chunked = await fetch(url, {
      method: 'PUT',
      body: new Blob(['hello world']).stream(),
      headers: { 'content-type': 'text/plain' },
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(400);
    expect(await local.storage.head('outputs/i1/b.txt')).toBeNull();
    const ok = await fetch(url, { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(ok.status).toBe(200);
    expect(await local.storage.head('outputs/i1/b.txt')).toMatchObject({
      size: 5,
      contentType: 'text/plain',
    });
  });

  it('streams an unsized upload of many MiB past the 1 MiB body limit', async () => {
    const data = testBytes(24 * 1024 * 1024, 7);
    const url = await local.storage.presignPut('outputs/i1/big.bin', { expiresInSeconds: 60 });
    const res = await fetch(url, {
      method: 'PUT',
      body: new Blob([data]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(200);
    expect((await local.storage.head('outputs/i1/big.bin'))?.size).toBe(data.length);
  });

  it('answers a part upload for an unknown upload with 404', async () => {
    const url = await local.storage.presignPart('models/sha256/x', 'f'.repeat(32), 1, {
      expiresInSeconds: 60,
    });
    const res = await fetch(url, { method: 'PUT', body: 'part' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('answers 409 when a key would be a folder of another key', async () => {
    const res = await fetch(
      await local.storage.presignPut('outputs/i1/a.bin/inside', { expiresInSeconds: 60 }),
      {
        method: 'PUT',
        body: 'x',
      },
    );
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/cannot both exist/);
  });
});
