import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SESSION_COOKIE } from '@podpilot/common';
import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredRoute } from '../app.js';
import { heartbeat, minimalProfile } from '../test-support/agents.js';
import { asBearer, asOwner, hubRequests } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { launchAndRegister, type RegisteredAgent, useLifecycleHub } from '../test-support/lifecycle.js';
import { putToUrl, syncOutputs, uploadInParts } from '../test-support/uploads.js';

/** Routes marked `public`: they answer strangers on purpose (each one is a security decision). */
const PUBLIC_ROUTES = [
  'GET /api/auth/state',
  'POST /api/auth/login',
  'POST /api/auth/setup',
  // The path's ticket (32 random bytes, 15 minutes, only its hash stored) authorises, like a presigned URL.
  'GET /api/outputs/zip/:ticket',
  'GET /metrics',
  'POST /agent/v1/register',
  'GET /storage/v1/object',
  'PUT /storage/v1/object',
  'PUT /storage/v1/part',
];
/** Outside /api and /agent the auth hooks do not look: these answer strangers too. */
const OPEN_BY_PATH = ['GET /health'];

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const now = () => new Date().toISOString();
const key = (r: RegisteredRoute) => `${r.method} ${r.url}`;

type Agent = RegisteredAgent;

describe.each(testDatabases())('authorisation matrix over every route ($engine)', ({ open }) => {
  const t = useLifecycleHub(open);
  let A: Agent;
  let B: Agent;
  let apiToken: string;
  let modelSha: string;
  let fileKey: string;
  let outputB: { id: string; key: string; path: string; bytes: Buffer };
  let commandB: string;

  const { inject, owner, agent, putProfile, ok } = hubRequests(() => t.hub);
  const launch = (profile: string, offerId: string): Promise<Agent> =>
    launchAndRegister(t, profile, offerId, `matrix-${profile}-${offerId}`);

  beforeAll(async () => {
    // A file and a model in the library that only B's profile lists.
    const fileBytes = Buffer.from('{"only":"b"}');
    const start = ok(
      await owner('POST', '/api/files/uploads', { path: 'b/cfg.json', sizeBytes: fileBytes.length }),
      'file upload',
    ).json();
    fileKey = start.key;
    await putToUrl(start.url, fileBytes);

    const modelBytes = randomBytes(1024);
    modelSha = sha256(modelBytes);
    const plan = ok(
      await owner('POST', '/api/models/uploads', {
        sha256: modelSha,
        sizeBytes: modelBytes.length,
        name: 'only-b',
        kind: 'lora',
      }),
      'model upload',
    ).json();
    const { parts } = await uploadInParts(
      modelBytes,
      plan,
      async (partNumbers) =>
        (await owner('POST', `/api/models/${modelSha}/upload/parts`, { partNumbers })).json().parts,
    );
    ok(await owner('POST', `/api/models/${modelSha}/upload/complete`, { parts }), 'model complete');

    const yaml = minimalProfile(
      'other',
      [
        'models:',
        `  - { name: only-b, kind: lora, sha256: ${modelSha}, source: { url: "https://example.com/b.safetensors" } }`,
        'files:',
        `  - { path: user/cfg.json, storage: ${fileKey} }`,
        '',
      ].join('\n'),
    );
    ok(await putProfile('other', yaml), 'profile');

    A = await launch('tiny', '100000');
    B = await launch('other', '100001');
    expect(A.id).not.toBe(B.id);

    // An output of B, uploaded through B's own agent routes.
    const bytes = Buffer.from('output of B');
    const { plans, confirmed } = await syncOutputs(t.hub, B.token, [{ path: 'output/b.txt', bytes }]);
    const key = (plans[0] as { key: string }).key;
    outputB = { id: (confirmed[0] as { id: string }).id, key, path: 'output/b.txt', bytes };
    expect(outputB.key.startsWith(`staging/${B.id}/`)).toBe(true); // agents only ever write staging keys

    commandB = ok(
      await owner('POST', `/api/instances/${B.id}/commands`, { kind: 'sync-now' }),
      'command',
    ).json().id;
    apiToken = ok(await owner('POST', '/api/tokens', { name: 'matrix' }), 'api token').json().token;
    expect(apiToken).toMatch(/^pp_/);
  }, 120_000);

  const routes = () => t.hub.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');

  /** A concrete URL for a route: path parameters filled with real objects (A's instance, B's output, …). */
  function urlOf(route: RegisteredRoute, instance = A.id): string {
    return route.url
      .replace(/^\/api\/outputs\/:id/, `/api/outputs/${outputB?.id}`)
      .replace(/^\/api\/secrets\/:name/, '/api/secrets/vastai.api_key')
      .replace(':id', instance)
      .replace(':sha256', modelSha)
      .replace(':name', 'tiny')
      .replace('*', 'b/cfg.json');
  }
  const call = (route: RegisteredRoute, headers: Record<string, string>, url = urlOf(route)) =>
    inject({
      method: route.method as InjectOptions['method'],
      url,
      headers,
      ...(route.method === 'GET' || route.method === 'DELETE'
        ? {}
        : // The sync waits for the agent's answer: a short wait keeps the matrix quick.
          { payload: route.url.endsWith('/sync') ? { timeoutSeconds: 1 } : {} }),
    });

  it('finds the routes from the server itself, every one of them known to this matrix', () => {
    const all = routes().map(key);
    expect(all).toContain('GET /api/instances');
    expect(all).toContain('POST /agent/v1/outputs/confirm');
    expect(all).toContain('GET /storage/v1/object');
    const publicNow = routes()
      .filter((r) => r.public)
      .map(key);
    expect(publicNow.sort()).toEqual([...PUBLIC_ROUTES].sort());
    const elsewhere = all.filter(
      (r) => !/^\w+ \/(api|agent\/v1)\//.test(r) && !PUBLIC_ROUTES.includes(r) && !OPEN_BY_PATH.includes(r),
    );
    expect(elsewhere).toEqual([]);
  });

  it('answers 401 to strangers everywhere but the public routes', async () => {
    const failures: string[] = [];
    for (const route of routes()) {
      if (route.public || OPEN_BY_PATH.includes(key(route))) continue;
      const res = await call(route, {});
      if (res.statusCode !== 401) failures.push(`${key(route)} → ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses agent tokens (A and B) on every /api route', async () => {
    const failures: string[] = [];
    for (const route of routes().filter((r) => r.url.startsWith('/api/') && !r.public)) {
      for (const [who, token, instance] of [
        ['A', A.token, A.id],
        ['B', B.token, B.id],
      ] as const) {
        const res = await call(route, asBearer(token), urlOf(route, instance));
        if (res.statusCode !== 401 && res.statusCode !== 403)
          failures.push(`${key(route)} as agent ${who} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses owner credentials (session, API token) and bootstrap tokens on every /agent/v1 route', async () => {
    const failures: string[] = [];
    for (const route of routes().filter((r) => r.url.startsWith('/agent/v1/') && !r.public)) {
      for (const [who, headers] of [
        ['session', asOwner(t.hub.cookie)],
        ['api token', asBearer(apiToken)],
        ['session as bearer', asBearer(t.hub.cookie)],
        ['bootstrap token', asBearer(A.bootstrap)],
      ] as const) {
        const res = await call(route, headers);
        if (res.statusCode !== 401) failures.push(`${key(route)} with ${who} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('lets the owner (session and API token) past authentication on every /api route', async () => {
    const failures: string[] = [];
    // Reads and harmless writes only here: destructive routes get an empty body or run last (below).
    const later = /\/(stop|start|destroy|logout)$|^DELETE /;
    for (const route of routes().filter((r) => r.url.startsWith('/api/') && !r.public)) {
      if (later.test(key(route)) || later.test(route.url)) continue;
      for (const [who, headers] of [
        ['session', asOwner(t.hub.cookie)],
        ['api token', asBearer(apiToken)],
      ] as const) {
        if (route.url === '/api/live') {
          // An event stream: read the status, then hang up.
          const abort = new AbortController();
          const cookie: Record<string, string> =
            who === 'session' ? { cookie: `${SESSION_COOKIE}=${t.hub.cookie}` } : { ...headers };
          const res = await fetch(`${t.hub.url}/api/live`, { headers: cookie, signal: abort.signal });
          if (res.status !== 200) failures.push(`${key(route)} as ${who} → ${res.status}`);
          abort.abort();
          continue;
        }
        const res = await call(route, headers);
        if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode >= 500)
          failures.push(`${key(route)} as ${who} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('gives agent A its own instance only: nothing in a body or path reaches B', async () => {
    const agentRoutes = routes()
      .filter((r) => r.url.startsWith('/agent/v1/'))
      .map(key);
    const B_file = {
      path: outputB.path,
      sizeBytes: outputB.bytes.length,
      sha256: sha256(outputB.bytes),
      mtime: now(),
    };
    const attacks: Record<string, [InjectOptions['method'], string, unknown, number[]][]> = {
      'POST /agent/v1/register': [
        ['POST', 'register', { bootstrapToken: A.bootstrap, agentVersion: 'x' }, [401]],
        ['POST', 'register', { bootstrapToken: B.bootstrap, agentVersion: 'x' }, [401]],
        ['POST', 'register', { bootstrapToken: B.token, agentVersion: 'x' }, [401]],
      ],
      'POST /agent/v1/snapshot': [
        [
          'POST',
          'snapshot',
          {
            commandId: commandB,
            takenAt: now(),
            ui: { path: '', remote: null, commit: null, dirtyFiles: [] },
            extensions: [],
            models: [],
            files: [],
            warnings: [],
          },
          [403],
        ],
      ],
      'POST /agent/v1/heartbeat': [
        [
          'POST',
          'heartbeat',
          heartbeat({ agentVersion: 'a', acknowledged: [{ id: commandB, ok: true }] }),
          [200],
        ],
      ],
      'POST /agent/v1/events': [
        [
          'POST',
          'events',
          { events: [{ id: randomUUID(), at: now(), level: 'info', kind: 'x', message: 'from A' }] },
          [200],
        ],
      ],
      'POST /agent/v1/logs': [
        ['POST', 'logs', { lines: [{ at: now(), stream: 'agent', line: 'from A' }] }, [200]],
      ],
      'GET /agent/v1/profile': [['GET', 'profile', undefined, [200]]],
      'POST /agent/v1/models/urls': [['POST', 'models/urls', { sha256s: [modelSha] }, [403]]],
      'POST /agent/v1/models/:sha256/promotion': [
        ['POST', `models/${modelSha}/promotion`, { sizeBytes: 1024 }, [403]],
      ],
      'POST /agent/v1/models/:sha256/promotion/parts': [
        ['POST', `models/${modelSha}/promotion/parts`, { partNumbers: [1] }, [403]],
      ],
      'POST /agent/v1/models/:sha256/promotion/complete': [
        ['POST', `models/${modelSha}/promotion/complete`, { parts: [{ partNumber: 1, etag: 'x' }] }, [403]],
      ],
      'POST /agent/v1/files/urls': [['POST', 'files/urls', { keys: [fileKey] }, [403]]],
      'POST /agent/v1/outputs/presign': [
        ['POST', 'outputs/presign', { files: [{ ...B_file, path: `../${B.id}/output/b.txt` }] }, [400]],
        ['POST', 'outputs/presign', { files: [{ ...B_file, path: `/outputs/${B.id}/x` }] }, [400]],
      ],
      'POST /agent/v1/outputs/parts': [
        ['POST', 'outputs/parts', { key: outputB.key, uploadId: 'u', partNumbers: [1] }, [403]],
      ],
      'POST /agent/v1/outputs/confirm': [
        ['POST', 'outputs/confirm', { files: [{ ...B_file, key: outputB.key, version: 1 }] }, [403]],
        [
          'POST',
          'outputs/confirm',
          { files: [{ ...B_file, key: `outputs/${A.id}/../${B.id}/${outputB.path}`, version: 1 }] },
          [400, 403],
        ],
      ],
    };
    // A new agent route must be added here: the matrix is a list of decisions.
    expect(Object.keys(attacks).sort()).toEqual([...agentRoutes].sort());

    const before = {
      events: (await owner('GET', `/api/instances/${B.id}/events`)).body,
      logs: (await owner('GET', `/api/instances/${B.id}/logs`)).body,
      outputs: (await owner('GET', `/api/outputs?instance=${B.id}`)).json(),
    };
    const failures: string[] = [];
    for (const [route, cases] of Object.entries(attacks)) {
      for (const [method, path, payload, statuses] of cases) {
        const res = await agent(A.token, method, path, payload);
        if (!statuses.includes(res.statusCode))
          failures.push(`${route} (${path}) → ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (res.statusCode === 200 && route !== 'GET /agent/v1/profile' && res.body.includes(B.id))
          failures.push(`${route} answered with B's id`);
      }
    }
    expect(failures).toEqual([]);

    // A's profile is its own; B's is unchanged and B still has its command pending, its events and logs.
    const profile = (await agent(A.token, 'GET', 'profile')).json().profile;
    expect(profile.name).toBe('tiny');
    expect(JSON.stringify(profile)).not.toContain(modelSha);
    expect(JSON.stringify(profile)).not.toContain(fileKey);
    const hb = await agent(B.token, 'POST', 'heartbeat', heartbeat({ agentVersion: 'b' }));
    expect(hb.statusCode).toBe(200);
    expect(JSON.stringify(hb.json())).toContain(commandB);
    expect((await owner('GET', `/api/instances/${B.id}/events`)).body).toBe(before.events);
    expect((await owner('GET', `/api/instances/${B.id}/logs`)).body).toBe(before.logs);
    expect((await owner('GET', `/api/outputs?instance=${B.id}`)).json()).toEqual(before.outputs);
    // And B itself reaches what its profile lists.
    expect((await agent(B.token, 'POST', 'files/urls', { keys: [fileKey] })).statusCode).toBe(200);
    expect((await agent(B.token, 'POST', 'models/urls', { sha256s: [modelSha] })).statusCode).toBe(200);
  });

  it('refuses strangers and agent tokens on the destructive owner routes (stop, start, destroy, delete, logout)', async () => {
    for (const route of routes().filter(
      (r) => /\/(stop|start|destroy|logout)$/.test(r.url) || r.method === 'DELETE',
    )) {
      for (const headers of [{}, asBearer(A.token)] as Record<string, string>[]) {
        const res = await call(route, headers);
        expect(res.statusCode, `${key(route)} with ${JSON.stringify(headers)}`).toBe(401);
      }
    }
  });

  it("refuses a destroyed instance's agent token afterwards", async () => {
    const alive = await agent(A.token, 'POST', 'logs', {
      lines: [{ at: now(), stream: 'agent', line: 'x' }],
    });
    expect(alive.statusCode).toBe(200);
    const destroyed = await owner('POST', `/api/instances/${A.id}/destroy`);
    expect(destroyed.statusCode).toBe(200);
    expect(destroyed.json().state).toBe('destroyed');
    // B is untouched by A's destroy.
    expect((await agent(B.token, 'GET', 'profile')).statusCode).toBe(200);
    const after: string[] = [];
    for (const [method, path, payload] of [
      ['POST', 'heartbeat', heartbeat({ agentVersion: 'a' })],
      ['POST', 'logs', { lines: [{ at: now(), stream: 'agent', line: 'after destroy' }] }],
      ['GET', 'profile', undefined],
      [
        'POST',
        'outputs/presign',
        { files: [{ path: 'x.txt', sizeBytes: 1, sha256: 'a'.repeat(64), mtime: now() }] },
      ],
    ] as const) {
      const res = await agent(A.token, method, path, payload);
      if (res.statusCode !== 401) after.push(`${path} → ${res.statusCode}`);
    }
    expect(after).toEqual([]);
  });
});
