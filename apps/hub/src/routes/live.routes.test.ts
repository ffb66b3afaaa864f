import { ListActivitySamplesResponse, LiveInstance, SESSION_COOKIE } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { InstanceAgentRepository } from '../repositories/instances.repository.js';
import { ActivityRecorder } from '../services/agents/activity-recorder.js';
import { heartbeat, localAgent, RUNNING_WEBUI } from '../test-support/agents.js';
import {
  appWithOwner,
  hubRequests,
  routesTestApp,
  sessionCookie,
  TEST_PASSWORD,
  useOwnerHub,
} from '../test-support/app.js';
import { insertInstance } from '../test-support/costs.js';
import { testDatabases } from '../test-support/databases.js';
import { quietFacts } from '../test-support/idle.js';
import { sseReader, waitFor } from '../test-support/sse.js';
import { liveRoutes } from './live.routes.js';

describe.each(testDatabases())('live feed and activity history ($engine)', ({ open }) => {
  const t = useOwnerHub(open);
  const { stranger, session, owner, agent } = hubRequests(() => t.hub);
  const cookie = () => `${SESSION_COOKIE}=${t.hub.cookie}`;
  const connect = (signal?: AbortSignal) =>
    fetch(`${t.hub.url}/api/live`, { headers: { cookie: cookie() }, signal });

  it('answers 401 without a session, and with a forged one', async () => {
    for (const headers of [{}, { cookie: `${SESSION_COOKIE}=forged` }] as Record<string, string>[]) {
      const res = await fetch(`${t.hub.url}/api/live`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    expect(t.hub.services.live.clientCount).toBe(0);
  });

  it('streams the list on connect, then each change, and forgets a client that leaves', async () => {
    const id = await insertInstance(t.db, {
      name: 'live-a',
      state: 'booting',
      pricePerHour: 0.4,
      transitions: [['booting', new Date().toISOString(), 0.4]],
    });
    const abort = new AbortController();
    const res = await connect(abort.signal);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = sseReader(res);
    const first = await stream.next();
    expect(first.event).toBe('instances');
    const list = (first.data as { instances: unknown[] }).instances.map((i) => LiveInstance.parse(i));
    expect(list.find((i) => i.id === id)).toMatchObject({ name: 'live-a', state: 'booting', activity: null });
    expect(stream.raw[0]).toMatch(/^retry: \d+$/);
    expect(t.hub.services.live.clientCount).toBe(1);

    // A state change reaches the stream by the shared poller (no refresh call: the real 2 s timer).
    await new InstanceAgentRepository(t.db).transition(id, 'provisioning', 'test');
    const changed = await stream.next(
      (m) => m.event === 'instance' && (m.data as { id: string }).id === id,
      8_000,
    );
    expect(LiveInstance.parse(changed.data).state).toBe('provisioning');

    // Nothing changed: a read sends nothing.
    const before = stream.raw.length;
    await t.hub.services.live.refresh();
    await new Promise((r) => setTimeout(r, 100));
    expect(stream.raw.slice(before).filter((b) => b.includes(id))).toEqual([]);

    // A second client gets the current list at once.
    const other = new AbortController();
    const second = sseReader(await connect(other.signal));
    const secondFirst = await second.next();
    const seen = (secondFirst.data as { instances: { id: string; state: string }[] }).instances;
    expect(seen.find((i) => i.id === id)?.state).toBe('provisioning');
    expect(t.hub.services.live.clientCount).toBe(2);

    // A removed instance is announced.
    await t.db.query('delete from instance_transitions where instance_id = $1', [id]);
    await t.db.query('delete from instances where id = $1', [id]);
    await t.hub.services.live.refresh();
    const removed = await stream.next((m) => m.event === 'removed');
    expect(removed.data).toEqual({ id });

    abort.abort();
    other.abort();
    await waitFor(() => t.hub.services.live.clientCount === 0);
  });

  it('serves the same list as JSON', async () => {
    const id = await insertInstance(t.db, { name: 'live-json', state: 'stopped', transitions: [] });
    const res = await owner('GET', '/api/live/instances');
    expect(res.statusCode).toBe(200);
    const instances = res.json().instances as LiveInstance[];
    expect(instances.find((i) => i.id === id)).toMatchObject({ state: 'stopped', sync: null, phase: null });
  });

  it('records activity from heartbeats at most once a minute and serves it', async () => {
    const { id, token } = await localAgent(t, 'live-agent', { profile: null, agentVersion: 'test' });
    const beat = (gpu: number) =>
      agent(
        token,
        'POST',
        'heartbeat',
        heartbeat({
          agentVersion: 'test',
          webui: RUNNING_WEBUI,
          sync: {
            backlogFiles: 2,
            backlogBytes: 2048,
            syncedFiles: 5,
            syncedBytes: 9000,
            lastSyncAt: null,
            lastError: null,
          },
          activity: quietFacts({
            gpus: [
              { index: 0, name: 'A', utilizationPercent: gpu, memoryUsedMiB: 1000, memoryTotalMiB: 24000 },
              { index: 1, name: 'B', utilizationPercent: 5, memoryUsedMiB: 500, memoryTotalMiB: 24000 },
            ],
          }),
        }),
      );
    expect((await beat(80)).statusCode).toBe(200);
    expect((await beat(3)).statusCode).toBe(200); // within the minute: not recorded

    const res = await owner('GET', `/api/instances/${id}/activity`);
    expect(res.statusCode).toBe(200);
    const { samples } = ListActivitySamplesResponse.parse(res.json());
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ gpuPercent: 80, vramUsedMiB: 1500, vramTotalMiB: 48000, busy: true });

    const later = await owner(
      'GET',
      `/api/instances/${id}/activity?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(later.json().samples).toEqual([]);

    // The live view carries the agent's sync, phase and WebUI.
    const live = (await t.hub.services.live.list()).find((i) => i.id === id);
    expect(live).toMatchObject({
      state: 'ready',
      phase: 'ready',
      sync: { backlogFiles: 2 },
      webui: { state: 'running', port: 8188 },
    });
    expect(live?.activity?.busy).toBe(false); // the last beat: GPU at 3 %, the queue empty
  });

  it('ends the stream of a session that logged out', async () => {
    // The routes on an app of their own (the hub's auth) with a short session re-check.
    const app = await routesTestApp(t.hub);
    const { auth, apiTokens, instances, live } = t.hub.services;
    await app.register(liveRoutes, {
      feed: live,
      history: new ActivityRecorder(t.db, Date.now),
      instances,
      credentials: { auth, apiTokens },
      recheckMs: 100,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const login = await stranger('POST', '/api/auth/login', { password: TEST_PASSWORD });
      const other = sessionCookie(login) as string;
      const address = app.server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${address.port}/api/live`, {
        headers: { cookie: `${SESSION_COOKIE}=${other}` },
      });
      const stream = sseReader(res);
      expect((await stream.next()).event).toBe('instances');
      await new Promise((r) => setTimeout(r, 300));
      expect(live.clientCount).toBe(1); // still valid: still open
      const out = await session(other, 'POST', '/api/auth/logout');
      expect(out.statusCode).toBeLessThan(300);
      await expect(stream.next(() => true, 3_000)).rejects.toThrow(/ended/);
      await waitFor(() => live.clientCount === 0);
    } finally {
      await app.close();
    }
  });

  it('answers 404 for an unknown instance and 400 for a bad time', async () => {
    const unknown = await owner('GET', '/api/instances/00000000-0000-4000-8000-000000000000/activity');
    expect(unknown.statusCode).toBe(404);
    const bad = await owner(
      'GET',
      '/api/instances/00000000-0000-4000-8000-000000000000/activity?since=yesterday',
    );
    expect(bad.statusCode).toBe(400);
  });
});

describe('live feed on app close', () => {
  it('ends open streams so the hub closes at once', async () => {
    const [pglite] = testDatabases();
    const db = await (pglite as { open(): Promise<Db> }).open();
    const hub = await appWithOwner(db);
    try {
      const res = await fetch(`${hub.url}/api/live`, {
        headers: { cookie: `${SESSION_COOKIE}=${hub.cookie}` },
      });
      const stream = sseReader(res);
      expect((await stream.next()).event).toBe('instances');
      const started = Date.now();
      await hub.close();
      expect(Date.now() - started).toBeLessThan(3_000);
      await expect(stream.next(() => true, 2_000)).rejects.toThrow(/ended/);
      expect(hub.services.live.clientCount).toBe(0);
    } finally {
      await db.close();
    }
  });
});
