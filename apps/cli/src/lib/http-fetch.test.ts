import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from './http-fetch.js';

describe('httpFetch (the CLI client on node:http)', () => {
  let server: Server;
  let base = '';
  const seen: { url?: string; method?: string; headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen.push({ url: req.url, method: req.method, headers: req.headers, body });
        if (req.url === '/hang') return; // never answers
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ got: body, smile: '😀' }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('sends the method, headers and body, and reads status, headers and text as fetch does', async () => {
    const answer = await httpFetch(`${base}/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: '{"name":"é"}',
    });
    expect(answer).toMatchObject({ status: 200, ok: true, statusText: 'OK' });
    expect(answer.headers.get('Content-Type')).toBe('application/json');
    expect(answer.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(answer.headers.get('x-none')).toBeNull();
    expect(JSON.parse(await answer.text())).toEqual({ got: '{"name":"é"}', smile: '😀' });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-length': '13', connection: 'close' },
    });
  });

  it('answers a non-2xx status as an answer, not an error', async () => {
    const answer = await httpFetch(`${base}/missing`, { method: 'GET', headers: {} });
    expect(answer).toMatchObject({ status: 404, ok: false });
  });

  it('rejects like fetch when nothing listens: a TypeError whose cause has the system code', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const error = await httpFetch(`http://127.0.0.1:${port}/`, { method: 'GET', headers: {} }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('gives up when its signal aborts, and at once for a signal aborted already', async () => {
    const controller = new AbortController();
    const pending = httpFetch(`${base}/hang`, { method: 'GET', headers: {}, signal: controller.signal });
    await expect.poll(() => seen.some((s) => s.url === '/hang')).toBe(true);
    controller.abort(new Error('timed out'));
    await expect(pending).rejects.toMatchObject({ cause: { message: 'timed out' } });
    const aborted = AbortSignal.abort(new Error('already'));
    await expect(
      httpFetch(`${base}/x`, { method: 'GET', headers: {}, signal: aborted }),
    ).rejects.toMatchObject({
      cause: { message: 'already' },
    });
  });
});
