import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { FilePathInStorage } from '@podpilot/common';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  nearProfile,
  nearProfileText,
  yamlishText,
} from '../../../../packages/common/src/profile/test-support/profile-arbitraries.js';
import type { Db } from '../db/db.js';
import { LocalStorage } from '../storage/index.js';
import { TEST_COMMIT as COMMIT, localAgent } from '../test-support/agents.js';
import { appWithOwner, hubRequests, JSON_BODY, type OwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

const MARK = 'ppesc';
const [pglite] = testDatabases();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const now = () => new Date().toISOString();

/** A 400 names the field in `error.issues[].path`; returns what is wrong, or null. */
function namesAField(res: LightMyRequestResponse): string | null {
  const body = res.json() as { error?: { code?: string; message?: string; issues?: { path?: unknown }[] } };
  const error = body.error;
  if (error?.code !== 'invalid_request') return `400 without invalid_request: ${res.body}`;
  const issues = error.issues ?? [];
  if (issues.length === 0) return `400 without issues: ${res.body.slice(0, 300)}`;
  if (!issues.every((i) => typeof i.path === 'string' && i.path !== ''))
    return `400 with an issue that names no path: ${res.body.slice(0, 300)}`;
  return null;
}

/** Every file under `dir` (relative paths), skipping the folders in `skip`. */
async function filesUnder(dir: string, skip: string[] = []): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string) {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (skip.includes(full)) continue;
      if (entry.isDirectory()) await walk(full);
      else out.push(relative(dir, full));
    }
  }
  await walk(dir);
  return out.sort();
}

describe('hostile and generated input through the hub', () => {
  let db: Db;
  let hub: OwnerHub;
  let dir: string;
  let storage: LocalStorage;
  let A: { id: string; token: string };
  let B: { id: string; token: string };
  let quiet: ReturnType<typeof vi.spyOn> | undefined;

  const { stranger, owner, agent: agentRequest, putProfile } = hubRequests(() => hub);
  const agent = (token: string, path: string, payload: unknown, headers = {}) =>
    agentRequest(token, 'POST', path, payload, headers);
  const registeredAgent = (name: string) => localAgent({ db, hub }, name);

  beforeAll(async () => {
    quiet = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    dir = await mkdtemp(join(tmpdir(), 'podpilot-fuzz-'));
    let base = '';
    storage = new LocalStorage({
      root: join(dir, 'storage'),
      keyFile: join(dir, 'keys', 'url.key'),
      baseUrl: () => base,
    });
    db = await (pglite?.open() as Promise<Db>);
    hub = await appWithOwner(db, {}, { storage });
    base = hub.url;
    A = await registeredAgent('fuzz-a');
    B = await registeredAgent('fuzz-b');
    // Canaries next to the storage root and inside it but outside its objects.
    await mkdir(join(dir, 'storage'), { recursive: true });
    await writeFile(join(dir, `${MARK}-canary.txt`), 'outside the storage root');
    await writeFile(join(dir, 'storage', `${MARK}-canary.txt`), 'outside the objects');
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
    quiet?.mockRestore();
  });

  describe('profiles', () => {
    it('PUT /api/profiles/:name with 2,000 generated documents: never 500, every 400 names a field', async () => {
      const doc = fc.oneof(
        { weight: 3, arbitrary: nearProfileText },
        { weight: 1, arbitrary: yamlishText },
        {
          weight: 2,
          arbitrary: nearProfile.map((p) =>
            JSON.stringify(
              typeof p === 'object' && p !== null && !Array.isArray(p) ? { ...p, name: 'fuzz' } : p,
            ),
          ),
        },
      );
      const failures: string[] = [];
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(doc, fc.boolean(), async (text, asJson) => {
          const res = asJson
            ? await owner('PUT', '/api/profiles/fuzz', { yaml: text })
            : await putProfile('fuzz', text);
          if (res.statusCode < 300) accepted++;
          else if (res.statusCode === 400) {
            const problem = namesAField(res);
            if (problem) failures.push(`${problem}\n  for ${JSON.stringify(text).slice(0, 300)}`);
          } else
            failures.push(
              `${res.statusCode} ${res.body.slice(0, 300)} for ${JSON.stringify(text).slice(0, 300)}`,
            );
        }),
        { numRuns: 2_000 },
      );
      expect(failures.slice(0, 5)).toEqual([]);
      expect(accepted).toBeGreaterThan(0);
    }, 120_000);

    it('refuses a NUL byte in a profile text field with a 400 naming it', async () => {
      const base = { name: 'fuzz-nul', ui: { kind: 'comfyui', ref: COMMIT } };
      const failures: string[] = [];
      for (const [field, doc] of [
        ['description', { ...base, description: 'a\u0000b' }],
        ['env.X', { ...base, env: { X: 'a\u0000b' } }],
        ['args[0]', { ...base, args: ['--a\u0000b'] }],
        ['files[0].content', { ...base, files: [{ path: 'user/x.json', content: 'a\u0000b' }] }],
      ] as const) {
        const res = await owner('PUT', '/api/profiles/fuzz-nul', { yaml: JSON.stringify(doc) });
        const issues = res.statusCode === 400 ? (res.json().error.issues as { path: string }[]) : [];
        if (!issues.some((i) => i.path === field)) failures.push(`${field} → ${res.statusCode}`);
      }
      expect(failures).toEqual([]);
    });
  });

  describe('agent messages', () => {
    const junk = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom(
        '',
        '../x',
        'x\u0000',
        'a\ud800',
        '\u202e',
        'x\u200b',
        'outputs/other/x',
        '9'.repeat(400),
      ),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
    );
    const maybe = <T>(valid: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: junk });
    const time = fc.constantFrom(now(), '2026-01-01T00:00:00.000Z', 'yesterday', '2026-13-45T99:00:00Z');
    const heartbeat = fc.record(
      {
        agentVersion: maybe(fc.constantFrom('0.1.0', 'x'.repeat(60))),
        sentAt: maybe(time),
        phase: maybe(
          fc.constantFrom('registering', 'provisioning', 'starting', 'ready', 'stopping', 'failed', 'x'),
        ),
        provisioning: maybe(
          fc.record(
            {
              doneBytes: maybe(fc.integer({ min: -1, max: 1e9 })),
              totalBytes: maybe(fc.option(fc.integer({ min: 0, max: 1e9 }))),
              bytesPerSecond: maybe(fc.double({ min: -1, max: 1e9, noNaN: true })),
              items: maybe(fc.array(junk, { maxLength: 2 })),
            },
            { requiredKeys: [] },
          ),
        ),
        webui: maybe(
          fc.record(
            {
              state: maybe(fc.constantFrom('not-started', 'starting', 'running', 'crashed', 'stopped')),
              port: maybe(fc.integer({ min: -1, max: 70000 })),
              restarts: maybe(fc.integer({ min: -1, max: 5 })),
            },
            { requiredKeys: [] },
          ),
        ),
        diskFreeBytes: maybe(fc.option(fc.integer({ min: -1, max: 1e12 }))),
        sync: junk,
        activity: junk,
        acknowledged: maybe(
          fc.array(
            fc.record({
              id: maybe(fc.uuid()),
              ok: maybe(fc.boolean()),
              message: maybe(fc.string({ unit: 'binary' })),
            }),
            {
              maxLength: 2,
            },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    const event = fc.record(
      {
        id: maybe(fc.uuid()),
        at: maybe(time),
        level: maybe(fc.constantFrom('debug', 'info', 'warn', 'error', 'fatal')),
        kind: maybe(fc.string({ unit: 'binary', maxLength: 10 })),
        message: maybe(fc.string({ unit: 'binary', maxLength: 30 })),
        data: maybe(fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), junk, { maxKeys: 2 })),
      },
      { requiredKeys: [] },
    );
    const line = fc.record(
      {
        at: maybe(time),
        stream: maybe(fc.constantFrom('agent', 'webui', 'x')),
        line: maybe(fc.string({ unit: 'binary', maxLength: 40 })),
      },
      { requiredKeys: [] },
    );
    const outputPath = fc.oneof(
      fc.constantFrom(
        'output/a.png',
        'a/b/c.txt',
        '../x',
        '.versions/1/x',
        '/abs',
        'a\\b',
        'a//b',
        '',
        'x\u0000y',
      ),
      fc.string({ unit: 'binary', maxLength: 30 }),
    );
    const outputFile = fc.record(
      {
        path: maybe(outputPath),
        sizeBytes: maybe(fc.integer({ min: -1, max: 1e12 })),
        sha256: maybe(fc.constantFrom(sha256('x'), 'A'.repeat(64), 'z')),
        mtime: maybe(time),
        key: maybe(fc.constantFrom('outputs/x/y', `outputs/${randomUUID()}/a.png`, '../../etc/passwd')),
        version: maybe(fc.integer({ min: -1, max: 3 })),
        uploadId: maybe(fc.string({ maxLength: 10 })),
        parts: maybe(
          fc.array(fc.record({ partNumber: maybe(fc.integer()), etag: maybe(fc.string()) }), {
            maxLength: 2,
          }),
        ),
      },
      { requiredKeys: [] },
    );
    const bodies: [string, fc.Arbitrary<unknown>][] = [
      ['heartbeat', heartbeat],
      [
        'events',
        fc.record({ events: maybe(fc.array(maybe(event), { maxLength: 3 })) }, { requiredKeys: [] }),
      ],
      ['logs', fc.record({ lines: maybe(fc.array(maybe(line), { maxLength: 3 })) }, { requiredKeys: [] })],
      [
        'outputs/presign',
        fc.record({ files: maybe(fc.array(maybe(outputFile), { maxLength: 3 })) }, { requiredKeys: [] }),
      ],
      [
        'outputs/parts',
        fc.record(
          {
            key: maybe(fc.string({ maxLength: 30 })),
            uploadId: maybe(fc.string()),
            partNumbers: maybe(fc.array(fc.integer(), { maxLength: 3 })),
          },
          { requiredKeys: [] },
        ),
      ],
      [
        'outputs/confirm',
        fc.record({ files: maybe(fc.array(maybe(outputFile), { maxLength: 3 })) }, { requiredKeys: [] }),
      ],
    ];

    it.each(bodies)(
      'POST /agent/v1/%s with generated bodies: never 500, every 400 names a field',
      async (path, body) => {
        const failures: string[] = [];
        await fc.assert(
          fc.asyncProperty(
            fc.oneof({ weight: 9, arbitrary: body }, { weight: 1, arbitrary: fc.anything() }),
            async (payload) => {
              const res = await agent(A.token, path, JSON.stringify(payload) ?? 'null', JSON_BODY);
              if (res.statusCode >= 500)
                failures.push(
                  `${res.statusCode} ${res.body.slice(0, 200)} for ${JSON.stringify(payload).slice(0, 300)}`,
                );
              else if (res.statusCode === 400) {
                const problem = namesAField(res);
                if (problem) failures.push(`${problem}\n  for ${JSON.stringify(payload).slice(0, 300)}`);
              } else if (res.statusCode === 401) failures.push(`401 with a valid token: ${res.body}`);
            },
          ),
          { numRuns: 250 },
        );
        expect(failures.slice(0, 5)).toEqual([]);
      },
      60_000,
    );

    it('refuses a body Fastify cannot read (bad JSON, a __proto__ key) with a 400 naming the body', async () => {
      const failures: string[] = [];
      for (const text of ['{"partNumbers": [1', '{"__proto__": {"x": 1}, "uploadId": "u"}', '']) {
        const res = await agent(A.token, 'outputs/parts', text, JSON_BODY);
        const problem = res.statusCode === 400 ? namesAField(res) : `${res.statusCode}: ${res.body}`;
        if (problem) failures.push(`${problem}\n  for ${JSON.stringify(text)}`);
        else
          expect(res.json().error.issues).toEqual([
            { path: 'body', message: expect.stringContaining('JSON') },
          ]);
      }
      expect(failures).toEqual([]);
    });

    it('repairs NUL and lone surrogates in log lines, events and heartbeats instead of refusing them', async () => {
      const failures: string[] = [];
      for (const [path, payload] of [
        ['logs', { lines: [{ at: now(), stream: 'agent', line: 'a\u0000b\ud800' }] }],
        [
          'events',
          { events: [{ id: randomUUID(), at: now(), level: 'info', kind: 'x', message: 'a\u0000b\udc00' }] },
        ],
        ['heartbeat', { agentVersion: '0.1.0', sentAt: now(), phase: 'ready', acknowledged: [] }],
      ] as const) {
        const res = await agent(A.token, path, payload);
        if (res.statusCode !== 200) failures.push(`${path} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
      expect(failures).toEqual([]);
    });
  });

  describe('path traversal corpus', () => {
    const HOSTILE = [
      `../${MARK}-canary.txt`,
      `../../${MARK}-canary.txt`,
      `files/../../${MARK}-canary.txt`,
      `a/../../../${MARK}-1.txt`,
      `..\\..\\${MARK}-2.txt`,
      `..%2f..%2f${MARK}-3.txt`,
      `%2e%2e%2f%2e%2e%2f${MARK}-4.txt`,
      `%252e%252e%252f${MARK}-5.txt`,
      `..%252f${MARK}-6.txt`,
      `%c0%ae%c0%ae/${MARK}-7.txt`,
      `x\u0000/../../${MARK}-8.txt`,
      `${MARK}-9.txt\u0000.png`,
      `/tmp/${MARK}-10.txt`,
      '/etc/passwd',
      `C:\\Windows\\${MARK}-11.txt`,
      `C:/${MARK}-12.txt`,
      `\\\\server\\share\\${MARK}-13.txt`,
      `\uff0e\uff0e/\uff0e\uff0e/${MARK}-14.txt`, // fullwidth full stops
      `\u2024\u2024/${MARK}-15.txt`, // one dot leaders
      `..\u2215..\u2215${MARK}-16.txt`, // division slash
      `..\uff0f${MARK}-17.txt`, // fullwidth solidus
      `${'a'.repeat(5_000)}`,
      `${'a/'.repeat(800)}${MARK}-18.txt`,
      `./${MARK}-19.txt`,
      'a//b',
      '.',
      '..',
      '...',
      '~/x',
      'file:///etc/passwd',
      `x\n../${MARK}-20.txt`,
      `.versions/1/${MARK}-21.txt`,
    ];
    const withOther = () => [...HOSTILE, `outputs/${B.id}/x`, `outputs/${A.id}/../${B.id}/x`];

    let before: string[];
    beforeAll(async () => {
      await storage.presignGet('files/warm-up', { expiresInSeconds: 60 }); // creates the URL key file
      before = await filesUnder(dir, [join(dir, 'storage', 'objects'), join(dir, 'storage', 'meta')]);
    });

    async function expectNoEscape() {
      expect(await readFile(join(dir, `${MARK}-canary.txt`), 'utf8')).toBe('outside the storage root');
      expect(await readFile(join(dir, 'storage', `${MARK}-canary.txt`), 'utf8')).toBe('outside the objects');
      const after = await filesUnder(dir, [join(dir, 'storage', 'objects'), join(dir, 'storage', 'meta')]);
      expect(after.filter((f) => !before.includes(f) && !f.startsWith(join('storage', 'uploads')))).toEqual(
        [],
      );
      const tmp = (await readdir(tmpdir())).filter((f) => f.includes(MARK));
      expect(tmp).toEqual([]);
      for (const root of ['/etc', '/']) expect(existsSync(join(root, `${MARK}-10.txt`))).toBe(false);
      expect(existsSync(`/tmp/${MARK}-10.txt`)).toBe(false);
    }

    it('owner files: upload start and delete refuse every hostile path (400), nothing escapes', async () => {
      const failures: string[] = [];
      for (const path of withOther()) {
        const start = await owner('POST', '/api/files/uploads', { path, sizeBytes: 1 });
        if (start.statusCode === 200) {
          const key = start.json().key as string;
          if (key !== `files/${path}` || key.split('/').some((s) => s === '..' || s === '.'))
            failures.push(`upload ${JSON.stringify(path)} → key ${key}`);
        } else if (start.statusCode !== 400)
          failures.push(`upload ${JSON.stringify(path)} → ${start.statusCode}`);
        for (const url of [`/api/files/${encodeURIComponent(path)}`, `/api/files/${encodeURI(path)}`]) {
          const res = await owner('DELETE', url);
          // 204 only when the path the router saw (after URL normalisation) is a plain path under files/.
          const seen = decodeURIComponent(new URL(url, 'http://hub').pathname.slice('/api/files/'.length));
          const ok =
            res.statusCode === 400 ||
            res.statusCode === 404 ||
            res.statusCode === 414 ||
            (res.statusCode === 204 && FilePathInStorage.safeParse(seen).success);
          if (!ok) failures.push(`delete ${url.slice(0, 120)} → ${res.statusCode}`);
        }
      }
      // Raw (not re-encoded) traversal in the URL itself.
      for (const url of [
        '/api/files/../../x',
        `/api/files/..%2f..%2f${MARK}-canary.txt`,
        `/api/files/%2e%2e/%2e%2e/${MARK}-canary.txt`,
        `/api/files/%252e%252e%252f${MARK}-canary.txt`,
        `/api/files/..\\..\\${MARK}-canary.txt`,
      ]) {
        const res = await owner('DELETE', url);
        if (![400, 404].includes(res.statusCode)) failures.push(`delete ${url} → ${res.statusCode}`);
      }
      expect(failures).toEqual([]);
      await expectNoEscape();
    });

    it('agent file URLs, output presign, parts and confirm refuse every hostile key or path', async () => {
      const failures: string[] = [];
      const file = (path: string) => ({ path, sizeBytes: 1, sha256: sha256('x'), mtime: now() });
      for (const h of withOther()) {
        const urls = await agent(A.token, 'files/urls', { keys: [h] });
        if (![400, 403].includes(urls.statusCode))
          failures.push(`files/urls ${JSON.stringify(h)} → ${urls.statusCode}`);
        const presign = await agent(A.token, 'outputs/presign', { files: [file(h)] });
        if (presign.statusCode === 200) {
          const key = presign.json().files[0].key as string | undefined;
          if (
            key &&
            (![`outputs/${A.id}/`, `staging/${A.id}/`].some((p) => key.startsWith(p)) ||
              key.split('/').some((s) => s === '..' || s === '.'))
          )
            failures.push(`presign ${JSON.stringify(h)} → key ${key}`);
        } else if (presign.statusCode !== 400)
          failures.push(`presign ${JSON.stringify(h)} → ${presign.statusCode}`);
        const parts = await agent(A.token, 'outputs/parts', { key: h, uploadId: 'u', partNumbers: [1] });
        // 409: no upload is pending under that exact key (keys come from presign, never from the agent).
        if (![400, 403, 404, 409].includes(parts.statusCode))
          failures.push(`parts ${JSON.stringify(h)} → ${parts.statusCode}`);
        const confirm = await agent(A.token, 'outputs/confirm', {
          files: [{ ...file('ok.txt'), key: h, version: 1 }],
        });
        if (![400, 403].includes(confirm.statusCode))
          failures.push(`confirm ${JSON.stringify(h)} → ${confirm.statusCode}`);
      }
      expect(failures).toEqual([]);
      await expectNoEscape();
    });

    it('owner output routes take only ids', async () => {
      const failures: string[] = [];
      for (const h of withOther()) {
        for (const url of [
          `/api/outputs/${encodeURIComponent(h)}`,
          `/api/outputs/${encodeURIComponent(h)}/urls`,
        ]) {
          const res = await owner('GET', url);
          if (![400, 404, 414].includes(res.statusCode))
            failures.push(`${url.slice(0, 100)} → ${res.statusCode}`);
        }
      }
      const listed = await owner('GET', `/api/outputs?instance=${encodeURIComponent(`../${B.id}`)}`);
      expect(listed.statusCode).toBe(400);
      expect(failures).toEqual([]);
    });

    it('local storage URLs: forged or tampered grants are 403, and the signer itself refuses hostile keys', async () => {
      const failures: string[] = [];
      const future = Math.floor(Date.now() / 1000) + 600;
      const good = new URL(await storage.presignGet('files/ok.txt', { expiresInSeconds: 600 }));
      for (const h of withOther()) {
        for (const op of ['get', 'put'] as const) {
          const forged = `/storage/v1/object?key=${encodeURIComponent(h)}&op=${op}&exp=${future}&sig=${'0'.repeat(64)}`;
          const res = await stranger(op === 'get' ? 'GET' : 'PUT', forged, op === 'put' ? 'x' : undefined);
          if (res.statusCode !== 403) failures.push(`forged ${op} ${JSON.stringify(h)} → ${res.statusCode}`);
        }
        const tampered = new URL(good);
        tampered.searchParams.set('key', h);
        const res = await stranger('GET', `${tampered.pathname}${tampered.search}`);
        if (res.statusCode !== 403) failures.push(`tampered ${JSON.stringify(h)} → ${res.statusCode}`);
        if (res.body.includes('outside')) failures.push(`tampered ${JSON.stringify(h)} read a canary`);

        // Defence in depth: even a validly signed URL for a hostile key must not reach outside the objects.
        for (const sign of [
          () => storage.presignGet(h, { expiresInSeconds: 60 }),
          () => storage.presignPut(h, { expiresInSeconds: 60 }),
        ]) {
          let url: string | null = null;
          try {
            url = await sign();
          } catch {
            continue; // refused to sign: fine
          }
          const u = new URL(url);
          const put = u.searchParams.get('op') === 'put';
          const got = await stranger(
            put ? 'PUT' : 'GET',
            `${u.pathname}${u.search}`,
            put ? 'escaped' : undefined,
          );
          if (got.body.includes('outside the')) failures.push(`signed ${JSON.stringify(h)} read a canary`);
          // A key with a real "." or ".." segment must never be signed and served; other odd names
          // (`..%2f..`, `..∕..`, `...`) are plain names of objects inside the root (checked below).
          if (got.statusCode < 300 && h.split(/[/\\]/).some((seg) => seg === '..' || seg === '.'))
            failures.push(`signed ${JSON.stringify(h)} → ${got.statusCode}`);
        }
      }
      expect(failures).toEqual([]);
      await expectNoEscape();
    });
  });
});
