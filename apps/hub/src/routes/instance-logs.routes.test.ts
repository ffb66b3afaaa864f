import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AGENT_FAILED_UNSAID } from '../services/agents/agents.service.js';
import { heartbeat, localAgent } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

describe.each(testDatabases())("an instance's log and events, and why it failed, on $engine", ({ open }) => {
  const t = useOwnerHub(open);
  const { owner, agent } = hubRequests(() => t.hub);
  const lines = async (id: string, query = '') =>
    (await owner('GET', `/api/instances/${id}/logs${query}`)).json().lines as {
      stream: string;
      level: string | null;
      line: string;
    }[];
  const event = (level: string, kind: string, message: string, at = new Date().toISOString()) => ({
    id: randomUUID(),
    at,
    level,
    kind,
    message,
  });

  it("keeps the level of the agent's own lines (none on WebUI lines) and filters by source, level and time", async () => {
    const { id, token } = await localAgent(t, 'logs-a');
    const early = '2026-01-01T00:00:00.000Z';
    const late = new Date().toISOString();
    const sent = await agent(token, 'POST', 'logs', {
      lines: [
        { at: early, stream: 'agent', line: 'ui ComfyUI: cloned', level: 'info' },
        { at: late, stream: 'agent', line: 'pip: slow mirror', level: 'warn' },
        { at: late, stream: 'webui', line: 'Starting server', level: 'error' }, // a WebUI line has no level
        { at: late, stream: 'agent', line: 'an older agent' },
        { at: late, stream: 'agent', line: 'model x: HTTP 404', level: 'error' },
      ],
    });
    expect(sent.statusCode).toBe(200);
    expect((await lines(id)).map((l) => [l.stream, l.level, l.line])).toEqual([
      ['agent', 'info', 'ui ComfyUI: cloned'],
      ['agent', 'warn', 'pip: slow mirror'],
      ['webui', null, 'Starting server'],
      ['agent', null, 'an older agent'],
      ['agent', 'error', 'model x: HTTP 404'],
    ]);
    expect((await lines(id, '?source=webui')).map((l) => l.line)).toEqual(['Starting server']);
    expect((await lines(id, '?level=warn')).map((l) => l.line)).toEqual([
      'pip: slow mirror',
      'model x: HTTP 404',
    ]);
    expect((await lines(id, '?source=agent&level=error')).map((l) => l.line)).toEqual(['model x: HTTP 404']);
    const since = encodeURIComponent('2026-06-01T00:00:00Z');
    expect((await lines(id, `?source=agent&since=${since}`)).map((l) => l.line)).toEqual([
      'pip: slow mirror',
      'an older agent',
      'model x: HTTP 404',
    ]);
    const bad = await owner('GET', `/api/instances/${id}/logs?level=loud`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/level/);
  });

  it('filters events by minimum level and time', async () => {
    const { id, token } = await localAgent(t, 'logs-b');
    await agent(token, 'POST', 'events', {
      events: [
        event('info', 'provision.started', 'provisioning', '2026-01-01T00:00:00.000Z'),
        event('warn', 'python.failed', 'pip failed'),
        event('error', 'agent.failed', 'model m: no URL'),
      ],
    });
    const kinds = async (query: string) =>
      ((await owner('GET', `/api/instances/${id}/events${query}`)).json().events as { kind: string }[])
        .filter((e) => !['registered', 'state'].includes(e.kind))
        .map((e) => e.kind);
    expect(await kinds('?level=warn')).toEqual(['agent.failed', 'python.failed']);
    expect(await kinds(`?since=${encodeURIComponent('2026-06-01T00:00:00Z')}&level=info`)).toEqual([
      'agent.failed',
      'python.failed',
    ]);
  });

  it("states the agent's own error as a failed instance's reason, never a pointer", async () => {
    const { id, token } = await localAgent(t, 'logs-c');
    const message = 'model sdxl-refiner: it is not in the library yet and has no URL to fetch it from';
    await agent(token, 'POST', 'events', { events: [event('error', 'agent.failed', message)] });
    await agent(token, 'POST', 'heartbeat', heartbeat({ phase: 'failed' }));
    const failed = (await owner('GET', `/api/instances/${id}`)).json();
    expect(failed).toMatchObject({ state: 'failed', stateReason: message });
  });

  it("falls back to the agent's last error line, then restates the reason when the error event comes late", async () => {
    const line = await localAgent(t, 'logs-d');
    await agent(line.token, 'POST', 'logs', {
      lines: [{ at: new Date().toISOString(), stream: 'agent', line: 'failed: disk full', level: 'error' }],
    });
    await agent(line.token, 'POST', 'heartbeat', heartbeat({ phase: 'failed' }));
    expect((await owner('GET', `/api/instances/${line.id}`)).json().stateReason).toBe('failed: disk full');

    const late = await localAgent(t, 'logs-e');
    await agent(late.token, 'POST', 'heartbeat', heartbeat({ phase: 'failed' }));
    expect((await owner('GET', `/api/instances/${late.id}`)).json().stateReason).toBe(AGENT_FAILED_UNSAID);
    await agent(late.token, 'POST', 'events', {
      events: [event('error', 'agent.failed', 'git: Could not resolve host: github.com')],
    });
    expect((await owner('GET', `/api/instances/${late.id}`)).json()).toMatchObject({
      state: 'failed',
      stateReason: 'git: Could not resolve host: github.com',
    });
  });
});
