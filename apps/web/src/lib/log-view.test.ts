import { describe, expect, it } from 'vitest';
import { ALL_LINES, filterLog, type LogViewLine, logFileName, logText, mergeLog } from './log-view';

const at = '2026-12-07T10:00:00.000Z';
const lines: LogViewLine[] = [
  { id: 1, stream: 'agent', level: 'info', at, line: 'cloning ComfyUI' },
  { id: 2, stream: 'webui', level: null, at, line: 'Starting server on 8188' },
  { id: 3, stream: 'agent', level: 'warn', at, line: 'pip: retrying torch' },
  { id: 4, stream: 'agent', level: 'error', at, line: 'model sdxl-refiner: no URL' },
  { id: 5, stream: 'agent', level: 'debug', at, line: 'heartbeat sent' },
];
const ids = (l: LogViewLine[]) => l.map((x) => x.id);

describe('filterLog', () => {
  it('keeps everything with no filter', () => {
    expect(ids(filterLog(lines, ALL_LINES))).toEqual([1, 2, 3, 4, 5]);
  });

  it('filters by source', () => {
    expect(ids(filterLog(lines, { ...ALL_LINES, source: 'webui' }))).toEqual([2]);
    expect(ids(filterLog(lines, { ...ALL_LINES, source: 'agent' }))).toEqual([1, 3, 4, 5]);
  });

  it('keeps lines at the minimum level or above, leaving out lines without a level', () => {
    expect(ids(filterLog(lines, { ...ALL_LINES, minLevel: 'warn' }))).toEqual([3, 4]);
    expect(ids(filterLog(lines, { ...ALL_LINES, minLevel: 'debug' }))).toEqual([1, 3, 4, 5]);
  });

  it('searches every word, case-insensitively, with the other filters', () => {
    expect(ids(filterLog(lines, { ...ALL_LINES, query: 'SDXL url' }))).toEqual([4]);
    expect(ids(filterLog(lines, { source: 'agent', minLevel: 'info', query: 'ing' }))).toEqual([1, 3]);
  });
});

describe('mergeLog', () => {
  it('appends new lines once and keeps the newest', () => {
    const held = lines.slice(0, 3);
    expect(ids(mergeLog(held, lines.slice(1), 10))).toEqual([1, 2, 3, 4, 5]);
    expect(mergeLog(held, lines.slice(0, 2), 10)).toBe(held);
    expect(ids(mergeLog(held, lines.slice(3), 4))).toEqual([2, 3, 4, 5]);
  });
});

describe('logText and logFileName', () => {
  it('writes one line each with time, source and level', () => {
    expect(logText(lines.slice(0, 2))).toBe(
      `${at} agent info cloning ComfyUI\n${at} webui Starting server on 8188\n`,
    );
    expect(logText([])).toBe('');
  });

  it('makes a safe file name', () => {
    expect(logFileName('my pod/../ä', new Date(at))).toBe('my-pod-..-log-2026-12-07T10-00-00Z.txt');
    expect(logFileName('///', new Date(at))).toBe('instance-log-2026-12-07T10-00-00Z.txt');
  });
});
