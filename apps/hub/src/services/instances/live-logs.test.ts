import type { InstanceLogLine } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { LiveLogs, logsMessage } from './live-logs.js';

const line = (id: number): InstanceLogLine => ({
  id,
  stream: 'agent',
  at: '2026-12-07T10:00:00.000Z',
  line: `line ${id}`,
  level: 'info',
});

/** A log of `count` lines, read as the repository does; `gate` holds every read until released. */
function fakeLog(count: number) {
  const lines = Array.from({ length: count }, (_, i) => line(i + 1));
  let release: () => void = () => {};
  let gate: Promise<void> | null = null;
  return {
    lines,
    reads: 0,
    hold() {
      gate = new Promise((r) => {
        release = r;
      });
    },
    release: () => release(),
    async read(_id: string, after: number, limit: number) {
      this.reads++;
      if (gate) await gate;
      return lines.filter((l) => l.id > after).slice(0, limit);
    },
  };
}

const idsIn = (chunks: string[]) =>
  chunks.flatMap((c) =>
    (JSON.parse(c.split('data: ')[1] ?? '') as { lines: InstanceLogLine[] }).lines.map((l) => l.id),
  );

describe('LiveLogs', () => {
  it('sends each line once when rounds overlap (catch-up, poll and arrival at the same time)', async () => {
    const log = fakeLog(3);
    const sent: string[] = [];
    const logs = new LiveLogs<string>(log.read.bind(log), (_c, chunk) => sent.push(chunk) > 0);
    logs.add('a', 'i1', 1);
    log.hold();
    const rounds = [logs.catchUp('a'), logs.pollAll(), logs.pollAll('i1')];
    log.lines.push(line(4));
    log.release();
    await Promise.all(rounds);
    expect(idsIn(sent)).toEqual([2, 3, 4]);
    expect(sent[0]).toMatch(/^id: 4\nevent: logs\n/);
  });

  it('sends at most five pages a round and continues on the next', async () => {
    const log = fakeLog(6_500);
    const sent: string[] = [];
    const logs = new LiveLogs<string>(log.read.bind(log), (_c, chunk) => sent.push(chunk) > 0);
    logs.add('a', 'i1', 0);
    await logs.catchUp('a');
    expect(idsIn(sent)).toHaveLength(5_000);
    await logs.pollAll();
    expect(idsIn(sent)).toEqual(log.lines.map((l) => l.id));
  });

  it('forgets a stream it cannot write to, and reads only the instance named', async () => {
    const log = fakeLog(2);
    const logs = new LiveLogs<string>(log.read.bind(log), (client) => client !== 'gone');
    logs.add('gone', 'i1', 0);
    logs.add('other', 'i2', 0);
    await logs.pollAll('i1');
    expect(logs.size).toBe(1);
    expect(log.reads).toBe(1);
  });

  it('gives a batch the id of its last line', () => {
    expect(logsMessage({ instanceId: 'i', lines: [line(7), line(9)] })).toMatch(
      /^id: 9\nevent: logs\ndata: \{/,
    );
  });
});
