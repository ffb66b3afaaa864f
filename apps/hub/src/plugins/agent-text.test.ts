import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { heartbeat, localAgent } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

/** A high surrogate with no low one after it: what a cut in the middle of 🦙 leaves. */
const LONE = '\ud83e';
const now = () => new Date().toISOString();

describe.each(testDatabases())('text from agents is repaired, never refused, on $engine', ({ open }) => {
  const t = useOwnerHub(open);
  const { owner, agent } = hubRequests(() => t.hub);
  const post = (token: string, path: string, payload: object) => agent(token, 'POST', path, payload);

  it('delivers all 2,000 lines of a batch holding one lone surrogate (that line repaired)', async () => {
    const { id, token } = await localAgent(t, 'text-logs');
    const lines = Array.from({ length: 2000 }, (_, i) => ({ at: now(), stream: 'webui', line: `line ${i}` }));
    lines[1234] = { at: now(), stream: 'webui', line: `\u001b[31mcut 🦙 here ${LONE}\tend\u001b[0m` };
    const res = await post(token, 'logs', { lines });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accepted: 2000 });
    const stored = (await owner('GET', `/api/instances/${id}/logs?limit=5000`)).json().lines as {
      line: string;
    }[];
    expect(stored).toHaveLength(2000);
    expect(stored[1234]?.line).toBe('\u001b[31mcut 🦙 here \ufffd\tend\u001b[0m');
    expect(stored[1999]?.line).toBe('line 1999');
  });

  it('stores an event with a lone surrogate and a NUL, repaired (message, kind and data)', async () => {
    const { id, token } = await localAgent(t, 'text-events');
    const event = {
      id: randomUUID(),
      at: now(),
      level: 'error',
      kind: `webui.crash${LONE}`,
      message: `Traceback: caf\u00e9 ${LONE}\u0000!`,
      data: { [`path${LONE}`]: `x\udc00y`, nested: [`a\u0000b`] },
    };
    const res = await post(token, 'events', { events: [event] });
    expect(res.statusCode, res.body).toBe(200);
    const events = (await owner('GET', `/api/instances/${id}/events`)).json().events as {
      kind: string;
      message: string;
      data: unknown;
    }[];
    expect(events.find((e) => e.kind === 'webui.crash\ufffd')).toMatchObject({
      message: 'Traceback: caf\u00e9 \ufffd!',
      data: { 'path\ufffd': 'x\ufffdy', nested: ['ab'] },
    });
  });

  it('stores a heartbeat whose sync.lastError holds a lone surrogate, repaired', async () => {
    const { id, token } = await localAgent(t, 'text-heartbeat');
    const sync = {
      backlogFiles: 1,
      backlogBytes: 10,
      syncedFiles: 0,
      syncedBytes: 0,
      lastSyncAt: null,
      lastError: `storage refused output/🦙${LONE}.png: 403`,
    };
    const res = await post(token, 'heartbeat', heartbeat({ sync }));
    expect(res.statusCode, res.body).toBe(200);
    const detail = (await owner('GET', `/api/instances/${id}`)).json();
    expect(detail.agent.facts.sync.lastError).toBe('storage refused output/🦙\ufffd.png: 403');
  });
});
