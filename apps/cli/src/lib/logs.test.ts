import { afterEach, describe, expect, it } from 'vitest';
import { instance, stubHub } from '../test-support/stub-hub.js';
import { formatLogLine, streamLogs } from './logs.js';

const line = (id: number) => ({ id, stream: 'agent', at: '2026-11-28T10:00:00.000Z', line: `line ${id}` });

describe('streamLogs', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  /** A hub whose log grows by `perPoll` lines at each state poll, destroyed after `polls` polls. */
  async function growingHub(perPoll: number, polls: number) {
    const log: ReturnType<typeof line>[] = [];
    let statePolls = 0;
    const hub = await stubHub({
      'GET /api/instances/x': () => {
        statePolls++;
        for (let i = 0; i < perPoll; i++) log.push(line(log.length + 1));
        return { status: 200, body: instance({ state: statePolls >= polls ? 'destroyed' : 'ready' }) };
      },
      'GET /api/instances/x/logs': (req) => {
        const after = Number(req.query.get('after'));
        const limit = Number(req.query.get('limit'));
        return { status: 200, body: { lines: log.filter((l) => l.id > after).slice(0, limit) } };
      },
    });
    close = hub.close;
    return hub;
  }

  it('prints every page once, from --since-line, without following', async () => {
    const log = Array.from({ length: 7 }, (_, i) => line(i + 1));
    const hub = await stubHub({
      'GET /api/instances/y/logs': (req) => {
        const after = Number(req.query.get('after'));
        return { status: 200, body: { lines: log.filter((l) => l.id > after).slice(0, 2) } };
      },
    });
    close = hub.close;
    const printed: number[] = [];
    const result = await streamLogs(hub.client, 'y', {
      after: 2,
      pageSize: 2,
      onLine: (l) => printed.push(l.id),
    });
    expect(printed).toEqual([3, 4, 5, 6, 7]);
    expect(result).toEqual({ after: 7, ended: 'caught-up' });
    expect(hub.seen.map((r) => r.query.get('after'))).toEqual(['2', '4', '6']);
    expect(hub.seen[0]?.query.get('limit')).toBe('2');
  });

  it('-f follows new lines and stops when the instance is destroyed, after its last lines', async () => {
    const hub = await growingHub(3, 4);
    const printed: number[] = [];
    const result = await streamLogs(hub.client, 'x', {
      follow: true,
      intervalMs: 5,
      pageSize: 2,
      onLine: (l) => printed.push(l.id),
    });
    expect(result).toEqual({ after: 12, ended: 'destroyed' });
    expect(printed).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('-f ends quietly on Ctrl-C (abort)', async () => {
    const hub = await growingHub(1, Number.POSITIVE_INFINITY);
    const controller = new AbortController();
    const printed: number[] = [];
    const result = await streamLogs(hub.client, 'x', {
      follow: true,
      intervalMs: 5,
      signal: controller.signal,
      onLine: (l) => {
        printed.push(l.id);
        if (l.id === 3) controller.abort();
      },
    });
    expect(result).toEqual({ after: 3, ended: 'aborted' });
    expect(printed).toEqual([1, 2, 3]);
  });

  it('labels the stream', () => {
    expect(formatLogLine({ ...line(1), stream: 'webui' } as never)).toBe('webui | line 1');
  });
});
