import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../hub/src/db/db.js';
import { type TestHub, testHub } from '../../../hub/src/test-support/app.js';
import { testDatabases } from '../../../hub/src/test-support/databases.js';
import { AgentRejectedError, HubConnection } from './hub-connection.js';

const [pglite] = testDatabases();

describe('the agent’s hub connection', () => {
  let db: Db;
  let hub: TestHub;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    db = await (pglite?.open() as Promise<Db>);
    hub = await testHub(db);
    port = (hub.app.server.address() as AddressInfo).port;
    dir = await mkdtemp(join(tmpdir(), 'podpilot-agent-conn-'));
  });
  afterAll(async () => {
    await hub.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function newInstance(): Promise<{ id: string; bootstrap: string }> {
    const [row] = await db.query<{ id: string }>(
      `insert into instances (name, provider) values ('gpu', 'local') returning id`,
    );
    const id = (row as { id: string }).id;
    return { id, bootstrap: await hub.services.bootstrapTokens.mint(id) };
  }
  const agentEvents = (id: string) =>
    db.query<{ kind: string }>(
      `select kind from events where instance_id = $1 and source = 'agent' order by at, id`,
      [id],
    );

  it('registers once; a restarted agent resumes with its saved token instead of registering again', async () => {
    const { id, bootstrap } = await newInstance();
    const stateFile = join(dir, 'a', 'agent.json');
    const first = new HubConnection({ hubUrl: hub.url, bootstrapToken: bootstrap, stateFile });
    const answer = await first.connect();
    expect(answer?.instanceId).toBe(id);
    const restarted = new HubConnection({ hubUrl: hub.url, bootstrapToken: bootstrap, stateFile });
    expect(await restarted.connect()).toBeNull();
    expect(restarted.instanceId).toBe(id);
    const reply = await restarted.heartbeat({ phase: 'provisioning' });
    expect(reply.commands).toEqual([]);
    // The WebUI link key of the registration is kept with the credentials, for the restarted agent's proxy.
    const saved = JSON.parse(await readFile(stateFile, 'utf8'));
    expect(saved.webuiLinkKey).toBe(answer?.webuiLinkKey);
    expect(Buffer.from(saved.webuiLinkKey, 'base64')).toHaveLength(32);
  });

  it('refuses clearly when the bootstrap token is wrong', async () => {
    const conn = new HubConnection({
      hubUrl: hub.url,
      bootstrapToken: 'ppb_wrong',
      stateFile: join(dir, 'b', 'agent.json'),
    });
    await expect(conn.connect()).rejects.toBeInstanceOf(AgentRejectedError);
  });

  it('keeps events on disk while the hub is away and delivers each exactly once after it returns', async () => {
    const { id, bootstrap } = await newInstance();
    const stateFile = join(dir, 'c', 'agent.json');
    const conn = new HubConnection({
      hubUrl: hub.url,
      bootstrapToken: bootstrap,
      stateFile,
      timeoutMs: 2000,
    });
    await conn.connect();
    await conn.event({ level: 'info', kind: 'before', message: 'hub up' });
    expect(conn.pendingEventCount).toBe(0);

    await hub.close(); // the hub goes away
    await conn.event({ level: 'info', kind: 'during-1', message: 'hub down' });
    await conn.event({ level: 'warn', kind: 'during-2', message: 'still down' });
    expect(conn.pendingEventCount).toBe(2);

    // The agent restarts too while the hub is down: its queue survives on disk.
    const restarted = new HubConnection({ hubUrl: hub.url, stateFile, timeoutMs: 2000 });
    await restarted.connect();
    expect(restarted.pendingEventCount).toBe(2);

    hub = await testHub(db, {}, {}, { port }); // the hub restarts on the same address
    await restarted.flushEvents();
    await restarted.flushEvents();
    expect(restarted.pendingEventCount).toBe(0);
    expect((await agentEvents(id)).map((e) => e.kind)).toEqual(['before', 'during-1', 'during-2']);
  });

  it('delivers an event whose message is longer than the protocol takes, cut on a whole character', async () => {
    const { id, bootstrap } = await newInstance();
    const conn = new HubConnection({
      hubUrl: hub.url,
      bootstrapToken: bootstrap,
      stateFile: join(dir, 'd', 'a.json'),
    });
    await conn.connect();
    await conn.event({ level: 'error', kind: 'long', message: `${'x'.repeat(3999)}🦙${'y'.repeat(5000)}` });
    expect(conn.pendingEventCount).toBe(0);
    const [row] = await db.query<{ message: string }>(
      `select message from events where instance_id = $1 and kind = 'long'`,
      [id],
    );
    expect(row?.message).toBe('x'.repeat(3999));
  });
});
