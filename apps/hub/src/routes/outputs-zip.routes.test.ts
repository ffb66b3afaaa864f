import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { localAgent } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { syncOutputs } from '../test-support/uploads.js';

/** Every entry of a zip (read with yauzl, a separate implementation): name → bytes. */
function unzip(zip: Buffer): Promise<Record<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error);
      const entries: Record<string, Buffer> = {};
      file.on('entry', (entry: yauzl.Entry) =>
        file.openReadStream(entry, async (err, stream) => {
          if (err || !stream) return reject(err);
          const parts: Buffer[] = [];
          for await (const part of stream) parts.push(part as Buffer);
          entries[entry.fileName] = Buffer.concat(parts);
          file.readEntry();
        }),
      );
      file.on('end', () => resolve(entries));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

describe.each(testDatabases())('output zips on $engine', ({ open }) => {
  const t = useOwnerHub(open);
  const { owner, stranger } = hubRequests(() => t.hub);

  it('streams a selection as one zip behind a short-lived ticket, versions side by side', async () => {
    const { token } = await localAgent(t, 'zip-a', { profile: 'zip-a' });
    const first = await syncOutputs(t.hub, token, [
      { path: 'output/a.png', bytes: Buffer.from('first a') },
      { path: 'output/sub/b.txt', bytes: Buffer.from('b') },
    ]);
    const again = await syncOutputs(t.hub, token, [{ path: 'output/a.png', bytes: Buffer.from('second a') }]);
    const ids = [...first.confirmed, ...again.confirmed].map((c) => c.id);

    const made = await owner('POST', '/api/outputs/zip', { ids });
    expect(made.statusCode).toBe(200);
    const { url, files, sizeBytes } = made.json();
    expect(url).toMatch(/^\/api\/outputs\/zip\/[A-Za-z0-9_-]{43}$/);
    expect(files).toBe(3);

    const res = await stranger('GET', url); // no session: the ticket is the key
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="podpilot-outputs-[\d-]+\.zip"$/,
    );
    const zip = Buffer.from(res.rawPayload);
    expect(zip.length).toBe(sizeBytes);
    expect(Number(res.headers['content-length'])).toBe(zip.length);
    const entries = await unzip(zip);
    expect(
      Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, bytes.toString()])),
    ).toEqual({
      'zip-a/output/a.png': 'first a',
      'zip-a/output/sub/b.txt': 'b',
      'zip-a/output/a.v2.png': 'second a',
    });
  });

  it('refuses unknown outputs and tickets, and forgets a ticket once it expired', async () => {
    const { token } = await localAgent(t, 'zip-b', { profile: 'zip-b' });
    const { confirmed } = await syncOutputs(t.hub, token, [
      { path: 'output/x.png', bytes: Buffer.from('x') },
    ]);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const refused = await owner('POST', '/api/outputs/zip', { ids: [confirmed[0]?.id, unknown] });
    expect(refused.statusCode).toBe(404);
    expect(refused.body).toContain(unknown);
    expect((await owner('POST', '/api/outputs/zip', { ids: [] })).statusCode).toBe(400);
    expect((await stranger('GET', `/api/outputs/zip/${'a'.repeat(43)}`)).statusCode).toBe(404);
    expect((await stranger('GET', '/api/outputs/zip/short')).statusCode).toBe(400);

    const { url } = (await owner('POST', '/api/outputs/zip', { ids: [confirmed[0]?.id] })).json();
    const ticket = url.split('/').pop() as string;
    await t.db.query(
      `update output_zips set expires_at = now() - interval '1 second' where ticket_sha256 = $1`,
      [createHash('sha256').update(ticket).digest('hex')],
    );
    expect((await stranger('GET', url)).statusCode).toBe(404);
  });
});
