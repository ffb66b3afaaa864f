import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../lib/http-error.js';
import { closedPort } from '../../test-support/closed-port.js';
import { ModelSites, type ModelSiteUrls } from './model-sites.js';
import { ModelSourceResolver, type ModelSourceResolverOptions } from './model-source.js';

const SHA = 'c'.repeat(64);
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A model site on loopback that publishes a sha256 for every file (and Civitai's API shape under /api/v1). */
async function site() {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/api/v1/model-versions/')) {
      const file = { name: 'x.safetensors', sizeKB: 1, hashes: { SHA256: SHA }, primary: true };
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ id: 5, files: [{ ...file, downloadUrl: 'https://cdn.example/x' }] }));
    }
    res.writeHead(200, { etag: `"${SHA}"` }).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

const resolver = (options: ModelSourceResolverOptions = {}, urls: ModelSiteUrls = options) =>
  new ModelSourceResolver(new ModelSites(undefined, urls), options);

/** What `models add` would answer: the resolved source, or the HttpError's status, message and issues. */
const answer = (r: ModelSourceResolver, url: string, extra: { sha256?: string; fileName?: string } = {}) =>
  r.resolve({ url, kind: 'lora', ...extra }).catch((error: unknown) => {
    if (!(error instanceof HttpError)) throw error;
    return { status: error.statusCode, message: error.message, issues: error.issues };
  });

const REFUSED = {
  status: 400,
  message: 'url: expected a public http(s) address, got one that resolves to a private address',
  issues: [
    {
      path: 'body.url',
      message: 'expected a public http(s) address, got one that resolves to a private address',
    },
  ],
};

describe('ModelSourceResolver: outbound guard', () => {
  it('answers an open and a closed private port with the same 400, and asks neither', async () => {
    const open = await site();
    const closed = await closedPort();
    const r = resolver();
    const answers = [];
    for (const port of [open.port, closed])
      for (const host of ['127.0.0.1', '2130706433', '0x7f.0.0.1', '[::ffff:127.0.0.1]', 'localhost'])
        answers.push(await answer(r, `http://${host}:${port}/m.safetensors`));
    answers.push(await answer(r, 'http://169.254.169.254/latest/meta-data/iam/x.bin'));
    answers.push(await answer(r, 'http://metadata.google.internal/computeMetadata/v1/x.bin'));
    expect(answers).toEqual(answers.map(() => REFUSED));
    expect(open.seen).toEqual([]);
  });

  it('asks a private host the allowlist names', async () => {
    const { port, seen } = await site();
    const r = resolver({ outboundAllow: ['127.0.0.0/8'] });
    expect(await answer(r, `http://127.0.0.1:${port}/m.safetensors`)).toMatchObject({ sha256: SHA });
    expect(seen).toEqual(['HEAD /m.safetensors']);
  });

  it('asks the model sites the owner configured, and nothing else on their host', async () => {
    const { port, seen } = await site();
    const origin = `http://127.0.0.1:${port}`;
    const r = resolver({ huggingfaceUrl: origin });
    expect(await answer(r, `${origin}/org/repo/resolve/main/m.safetensors`)).toMatchObject({ sha256: SHA });
    const other = await site();
    expect(await answer(r, `http://127.0.0.1:${other.port}/m.safetensors`)).toEqual(REFUSED);
    expect(seen).toHaveLength(1);
    expect(other.seen).toEqual([]);
  });

  it("refuses a Civitai API the configuration does not name, with the model URL's 400", async () => {
    const { port, seen } = await site();
    const civitaiUrl = `http://127.0.0.1:${port}`;
    const unlisted = resolver({}, { civitaiUrl });
    expect(await answer(unlisted, `${civitaiUrl}/api/download/models/5`)).toEqual(REFUSED);
    expect(seen).toEqual([]);
    const configured = resolver({ civitaiUrl });
    expect(await answer(configured, `${civitaiUrl}/api/download/models/5`)).toMatchObject({ sha256: SHA });
  });

  it('with the sha256 given, stores a private URL without asking it (the agent fetches it in its own box)', async () => {
    const { port, seen } = await site();
    const r = resolver();
    expect(await answer(r, `http://127.0.0.1:${port}/dl?id=1`, { sha256: SHA })).toMatchObject({
      sha256: SHA,
      sourceUrl: `http://127.0.0.1:${port}/dl?id=1`,
    });
    expect(seen).toEqual([]);
  });
});

describe('ModelSourceResolver: malformed %-escapes', () => {
  it.each([
    ['https://x.example/%zz', '%zz'],
    ['https://x.example/a/%E0%A4%A', '%A'],
    ['https://x.example/m%.safetensors', '%.s'],
  ])('%s answers 400 naming url', async (url, shown) => {
    const message = `expected every % to start an escape of two hex digits (%20), got "${shown}"`;
    expect(await answer(resolver(), url, { sha256: SHA })).toEqual({
      status: 400,
      message: `url: ${message}`,
      issues: [{ path: 'body.url', message }],
    });
  });

  it('takes well-formed escapes, even of bytes that are no UTF-8', async () => {
    const r = resolver();
    expect(await answer(r, 'https://x.example/%E0%A4%A4.safetensors', { sha256: SHA })).toMatchObject({
      fileName: 'त.safetensors',
    });
    const named = { sha256: SHA, fileName: 'm.bin' };
    expect(await answer(r, 'https://x.example/%ED%A0%80', named)).toMatchObject({ fileName: 'm.bin' });
  });
});
