import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { FACTS_REFRESH_MS } from '../services/agents/fact-writes.js';
import { heartbeat, localAgent, RUNNING_WEBUI } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

/** What a heartbeat costs the hub: no request log lines at info, and no row write when nothing changed. */
describe.each(testDatabases())('a heartbeat on $engine', ({ open }) => {
  const logged: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    }),
  );
  let clock = Date.parse('2026-12-07T12:00:00Z');
  const t = useOwnerHub(open, {}, { logger, now: () => clock });
  const { agent } = hubRequests(() => t.hub);

  const lastHeartbeatAt = async (id: string) => {
    const [row] = await t.db.query<{ at: Date }>(
      'select last_heartbeat_at as at from instances where id = $1',
      [id],
    );
    return row?.at ? new Date(row.at).getTime() : null;
  };
  const beat = async (token: string, busy: boolean) => {
    const body = heartbeat({
      webui: RUNNING_WEBUI,
      sentAt: new Date(clock).toISOString(),
      diskFreeBytes: busy ? 1 : 2,
    });
    const res = await agent(token, 'POST', 'heartbeat', body);
    expect(res.statusCode, res.body).toBe(200);
  };

  it('writes the facts when they change or every refresh time, not every beat', async () => {
    const { id, token } = await localAgent(t, 'beats-write');
    const start = clock;
    await beat(token, false);
    expect(await lastHeartbeatAt(id)).toBe(start);
    clock += 5_000;
    await beat(token, false);
    expect(await lastHeartbeatAt(id)).toBe(start); // same facts: nothing written
    clock += 5_000;
    await beat(token, true);
    expect(await lastHeartbeatAt(id)).toBe(clock); // a fact changed: written at once
    const changedAt = clock;
    clock += 5_000;
    await beat(token, true);
    expect(await lastHeartbeatAt(id)).toBe(changedAt);
    clock = changedAt + FACTS_REFRESH_MS;
    await beat(token, true);
    expect(await lastHeartbeatAt(id)).toBe(clock); // the silence deadline's last-seen, refreshed
  });

  it('costs two queries when nothing changed: the token (with state and waiting commands) and the idle row', async () => {
    const { token } = await localAgent(t, 'beats-queries');
    await beat(token, false);
    clock += 5_000;
    const queries: string[] = [];
    const query = t.db.query.bind(t.db);
    const spy = vi.spyOn(t.db, 'query').mockImplementation(((sql: string, params?: unknown[]) => {
      queries.push(sql.replace(/\s+/g, ' ').slice(0, 80));
      return query(sql, params);
    }) as typeof t.db.query);
    try {
      await beat(token, false);
    } finally {
      spy.mockRestore();
    }
    expect(queries, queries.join('\n')).toHaveLength(2);
  });

  it('leaves no request line in the info log, while other routes keep theirs', async () => {
    const { token } = await localAgent(t, 'beats-quiet');
    logged.length = 0;
    for (let i = 0; i < 3; i++) await beat(token, i % 2 === 0);
    expect(logged.filter((line) => line.includes('/agent/v1/heartbeat'))).toEqual([]);
    await agent(token, 'POST', 'logs', { lines: [] }); // answered or refused, it is logged
    expect(logged.some((line) => line.includes('/agent/v1/logs'))).toBe(true);
  });
});
