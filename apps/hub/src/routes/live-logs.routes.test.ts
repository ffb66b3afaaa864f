import { LiveLogsEvent, SESSION_COOKIE } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { localAgent } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { type SseMessage, sseReader, waitFor } from '../test-support/sse.js';

const isLogs = (m: SseMessage) => m.event === 'logs';
const linesOf = (m: SseMessage) => LiveLogsEvent.parse(m.data).lines;

describe.each(testDatabases())('live log lines on the live stream ($engine)', ({ open }) => {
  const t = useOwnerHub(open);
  const { owner, agent } = hubRequests(() => t.hub);
  const streams: AbortController[] = [];
  const connect = async (query: string, headers: Record<string, string> = {}) => {
    const abort = new AbortController();
    streams.push(abort);
    return fetch(`${t.hub.url}/api/live${query}`, {
      headers: { cookie: `${SESSION_COOKIE}=${t.hub.cookie}`, ...headers },
      signal: abort.signal,
    });
  };
  const closeAll = async () => {
    for (const s of streams.splice(0)) s.abort();
    await waitFor(() => t.hub.services.live.clientCount === 0);
  };
  const send = async (token: string, lines: { line: string; stream?: string; level?: string }[]) => {
    const at = new Date().toISOString();
    const body = { lines: lines.map((l) => ({ at, stream: 'agent', ...l })) };
    expect((await agent(token, 'POST', 'logs', body)).statusCode).toBe(200);
  };

  it('sends the backlog of the followed instance, then its new lines, with their level and source', async () => {
    const a = await localAgent(t, 'logs-a');
    const b = await localAgent(t, 'logs-b');
    await send(a.token, [
      { line: 'cloning ComfyUI', level: 'info' },
      { line: 'Starting server', stream: 'webui' },
    ]);
    await send(b.token, [{ line: 'from b', level: 'info' }]);

    const res = await connect(`?instance=${a.id}`);
    expect(res.status).toBe(200);
    const stream = sseReader(res);
    expect((await stream.next()).event).toBe('instances');
    const backlog = await stream.next(isLogs);
    expect(LiveLogsEvent.parse(backlog.data).instanceId).toBe(a.id);
    const first = linesOf(backlog);
    expect(first.map((l) => [l.line, l.stream, l.level])).toEqual([
      ['cloning ComfyUI', 'agent', 'info'],
      ['Starting server', 'webui', null],
    ]);
    expect(backlog.id).toBe(String(first[1]?.id));

    // New lines of a: the next read sends them (and nothing of b).
    await send(b.token, [{ line: 'b again', level: 'warn' }]);
    await send(a.token, [{ line: 'model sdxl: no URL', level: 'error' }]);
    await t.hub.services.live.refresh();
    const next = linesOf(await stream.next(isLogs));
    expect(next.map((l) => [l.line, l.level])).toEqual([['model sdxl: no URL', 'error']]);
    expect(next[0]?.id).toBeGreaterThan(first[1]?.id ?? Infinity);

    // Nothing new: nothing sent.
    const before = stream.raw.length;
    await t.hub.services.live.refresh();
    t.hub.services.live.logsArrived(a.id);
    await t.hub.services.live.refresh();
    expect(stream.raw.slice(before).filter((b) => b.includes('event: logs'))).toEqual([]);
    await closeAll();
  });

  it('resumes after ?after=, and after Last-Event-ID (a reconnect) over ?after=', async () => {
    const a = await localAgent(t, 'logs-resume');
    await send(a.token, [{ line: 'one' }, { line: 'two' }, { line: 'three' }]);
    const all = (await owner('GET', `/api/instances/${a.id}/logs`)).json().lines as { id: number }[];
    const [one, two] = all;

    const afterOne = sseReader(await connect(`?instance=${a.id}&after=${one?.id}`));
    expect(linesOf(await afterOne.next(isLogs)).map((l) => l.line)).toEqual(['two', 'three']);

    const resumed = sseReader(
      await connect(`?instance=${a.id}&after=0`, { 'last-event-id': String(two?.id) }),
    );
    expect(linesOf(await resumed.next(isLogs)).map((l) => l.line)).toEqual(['three']);
    await closeAll();
  });

  it('sends a long backlog in order, each line once, and follows only when asked', async () => {
    const a = await localAgent(t, 'logs-long');
    for (let batch = 0; batch < 2; batch++)
      await send(
        a.token,
        Array.from({ length: 1_500 }, (_, i) => ({ line: `line ${batch * 1_500 + i}` })),
      );
    const plain = sseReader(await connect(''));
    const stream = sseReader(await connect(`?instance=${a.id}`));
    const got: string[] = [];
    while (got.length < 3_000) got.push(...linesOf(await stream.next(isLogs)).map((l) => l.line));
    expect(got).toEqual(Array.from({ length: 3_000 }, (_, i) => `line ${i}`));

    expect((await plain.next()).event).toBe('instances');
    await t.hub.services.live.refresh();
    expect(plain.raw.filter((b) => b.includes('event: logs'))).toEqual([]);
    await closeAll();
  });

  it('answers 404 for an unknown instance and 400 for a bad line id, before any stream opens', async () => {
    const unknown = await connect('?instance=00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    const a = await localAgent(t, 'logs-bad');
    const bad = await connect(`?instance=${a.id}&after=-1`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/log line id/);
    expect(t.hub.services.live.clientCount).toBe(0);
    streams.splice(0);
  });
});
