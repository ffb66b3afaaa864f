import { describe, expect, it } from 'vitest';
import { localAgent } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

describe.each(testDatabases())('owner files in storage on $engine', ({ open }) => {
  const t = useOwnerHub(open);

  const { stranger, owner, agent } = hubRequests(() => t.hub);
  const agentPost = (path: string, token: string, payload: object) => agent(token, 'POST', path, payload);

  /** Pushes `bytes` as `files/<path>` the way the CLI does: start, then PUT straight to storage. */
  async function push(path: string, bytes: Buffer) {
    const start = await owner('POST', '/api/files/uploads', { path, sizeBytes: bytes.length });
    expect(start.statusCode).toBe(200);
    const { key, url, expiresAt } = start.json();
    expect(key).toBe(`files/${path}`);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const put = await fetch(url, { method: 'PUT', body: bytes });
    expect(put.status).toBeLessThan(300);
    await put.arrayBuffer();
    return key as string;
  }

  /** A registered agent of an instance launched from a fresh profile. */
  const agentOf = async (name: string, extra: string) => (await localAgent(t, name, { extra })).token;

  it('stores a pushed file, lists it, and hands its bytes to an agent whose profile lists it', async () => {
    const bytes = Buffer.from('{"Comfy.UseNewMenu": "Top"}\n');
    const key = await push('cfg/x.json', bytes);
    const list = await owner('GET', '/api/files');
    expect(list.statusCode).toBe(200);
    expect(list.json().files).toContainEqual({
      key: 'files/cfg/x.json',
      sizeBytes: bytes.length,
      updatedAt: expect.any(String),
    });

    const token = await agentOf(
      'files-a',
      `files:\n  - { path: user/x.json, storage: files/cfg/x.json }\n  - { path: user/y.json, storage: files/cfg/missing.json }\n`,
    );
    const urls = await agentPost('files/urls', token, { keys: [key] });
    expect(urls.statusCode).toBe(200);
    const body = urls.json();
    expect(Object.keys(body.urls)).toEqual([key]);
    const got = await stranger('GET', body.urls[key]);
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(bytes)).toBe(true);

    const outside = await agentPost('files/urls', token, { keys: [key, 'files/cfg/other.json'] });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.message).toBe(
      "keys: files/cfg/other.json is not a file of this instance's profile",
    );
    const missing = await agentPost('files/urls', token, { keys: ['files/cfg/missing.json'] });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe(
      'keys: files/cfg/missing.json is not in storage; upload it with podpilot files push',
    );
    const bad = await agentPost('files/urls', token, { keys: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toBe('body.keys');
  });

  it('refuses a PUT of another size than announced', async () => {
    const start = (await owner('POST', '/api/files/uploads', { path: 'sized.bin', sizeBytes: 4 })).json();
    const put = await fetch(start.url, { method: 'PUT', body: Buffer.from('too long') });
    await put.arrayBuffer();
    expect(put.ok).toBe(false);
    expect((await owner('GET', '/api/files')).json().files).not.toContainEqual(
      expect.objectContaining({ key: 'files/sized.bin' }),
    );
  });

  it('deletes a file, and deleting again is fine', async () => {
    await push('tmp/gone.txt', Buffer.from('bye'));
    expect((await owner('DELETE', '/api/files/tmp/gone.txt')).statusCode).toBe(204);
    expect((await owner('DELETE', '/api/files/tmp/gone.txt')).statusCode).toBe(204);
    const keys = (await owner('GET', '/api/files')).json().files.map((f: { key: string }) => f.key);
    expect(keys).not.toContain('files/tmp/gone.txt');
    const bad = await owner('DELETE', '/api/files/.hidden');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^path: expected a relative path/);
  });

  it('refuses a bad path or size, naming the field', async () => {
    for (const path of ['../x', '/abs', 'a//b', '.env', 'a/../b', 'dir/', 'sp ace']) {
      const res = await owner('POST', '/api/files/uploads', { path, sizeBytes: 1 });
      expect(res.statusCode, path).toBe(400);
      expect(res.json().error.issues[0]).toMatchObject({
        path: 'body.path',
        message: expect.stringContaining('expected a relative path'),
      });
    }
    for (const sizeBytes of [-1, 1.5, 6 * 1024 ** 3]) {
      const res = await owner('POST', '/api/files/uploads', { path: 'ok.bin', sizeBytes });
      expect(res.statusCode, String(sizeBytes)).toBe(400);
      expect(res.json().error.issues[0].path).toBe('body.sizeBytes');
    }
  });

  it('requires the owner', async () => {
    for (const [method, url] of [
      ['GET', '/api/files'],
      ['POST', '/api/files/uploads'],
      ['DELETE', '/api/files/cfg/x.json'],
    ] as const) {
      const res = await stranger(method, url, method === 'POST' ? {} : undefined);
      expect(res.statusCode, url).toBe(401);
    }
  });
});
