import type { InstanceSummary } from '@podpilot/common';
import { afterEach, describe, expect, it } from 'vitest';
import { instance, stubHub } from '../test-support/stub-hub.js';
import {
  formatAge,
  formatInstances,
  matchInstance,
  resolveInstanceRef,
  waitForInstance,
} from './instances.js';

const make = (id: string, name: string, state = 'ready') =>
  instance({ id, name, state }) as unknown as InstanceSummary;

const list = [
  make('aaaaaaaa-0000-4000-8000-000000000001', 'alpha'),
  make('aaaaaaab-0000-4000-8000-000000000002', 'beta'),
  make('bbbbbbbb-0000-4000-8000-000000000003', 'twin'),
  make('cccccccc-0000-4000-8000-000000000004', 'twin'),
  make('dddddddd-0000-4000-8000-000000000005', 'reused', 'destroyed'),
  make('eeeeeeee-0000-4000-8000-000000000006', 'reused'),
  make('ffffffff-0000-4000-8000-000000000007', 'aaaaaaab'),
];

describe('matchInstance', () => {
  it('finds by full id, unique prefix (6+) or unique name', () => {
    expect(matchInstance(list, 'BBBBBBBB-0000-4000-8000-000000000003').name).toBe('twin');
    expect(matchInstance(list, 'bbbbbb').name).toBe('twin');
    expect(matchInstance(list, 'alpha').id).toMatch(/^aaaaaaaa/);
    // A name reused after a destroy means the live one.
    expect(matchInstance(list, 'reused').id).toMatch(/^eeeeeeee/);
  });

  it('refuses what is ambiguous, listing the candidates', () => {
    expect(() => matchInstance(list, 'twin')).toThrow('"twin" matches 2 instances; give more of the id:');
    expect(() => matchInstance(list, 'aaaaaa')).toThrow(/matches 2 instances/);
    // A name that is also another instance's id prefix.
    try {
      matchInstance(list, 'aaaaaaab');
      expect.unreachable();
    } catch (error) {
      expect((error as { details: string[] }).details.map((d) => d.slice(0, 8)).sort()).toEqual([
        'aaaaaaab',
        'ffffffff',
      ]);
    }
  });

  it('says what is missing, and that short prefixes are not taken', () => {
    expect(() => matchInstance(list, 'nope')).toThrow(
      'no instance has the id or name "nope"; see `podpilot ps --all`',
    );
    expect(() => matchInstance(list, 'bbbb')).toThrow(/at least 6 characters/);
  });
});

describe('instances against a stub hub', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it('resolves a reference with the hub list', async () => {
    const hub = await stubHub({ 'GET /api/instances': () => ({ status: 200, body: { instances: list } }) });
    close = hub.close;
    expect((await resolveInstanceRef(hub.client, 'ccccccc')).name).toBe('twin');
    await expect(resolveInstanceRef(hub.client, 'twin')).rejects.toThrow(/matches 2 instances/);
  });

  it('waits for ready, reporting each state once', async () => {
    const states = ['requested', 'launching', 'launching', 'booting', 'provisioning', 'ready'];
    const hub = await stubHub({
      'GET /api/instances/x': () => ({ status: 200, body: instance({ state: states.shift() }) }),
    });
    close = hub.close;
    const seen: string[] = [];
    const ready = await waitForInstance(hub.client, 'x', {
      intervalMs: 1,
      onChange: (i) => seen.push(i.state),
    });
    expect(ready.state).toBe('ready');
    expect(seen).toEqual(['requested', 'launching', 'booting', 'provisioning', 'ready']);
  });

  it('fails the wait when the instance fails', async () => {
    const hub = await stubHub({
      'GET /api/instances/x': () => ({
        status: 200,
        body: instance({ state: 'failed', stateReason: 'offer taken' }),
      }),
    });
    close = hub.close;
    await expect(waitForInstance(hub.client, 'x', { intervalMs: 1 })).rejects.toThrow(
      'box is failed: offer taken',
    );
  });
});

describe('formatInstances', () => {
  it('prints short ids, hides destroyed ones unless --all', () => {
    const now = Date.parse('2026-11-28T12:30:00.000Z');
    const table = formatInstances(list.slice(4, 6), false, now);
    expect(table).toBe(
      'ID        NAME    STATE  PROVIDER  GPU          $/H     AGE  ACCESS\n' +
        'eeeeeeee  reused  ready  vastai    RTX 4090 ×1  $0.420  2h   —\n',
    );
    const tailnet = { kind: 'tailnet', url: 'http://podpilot-e:8188/', ssh: 'ssh root@podpilot-e' };
    const reached = { ...list[5], access: tailnet } as InstanceSummary;
    expect(formatInstances([reached], false, now).split('\n')[1]).toMatch(
      / {2}2h {3}http:\/\/podpilot-e:8188\/$/,
    );
    expect(formatInstances(list.slice(4, 6), true, now).split('\n')).toHaveLength(4);
    expect(formatAge('2026-11-28T12:29:18.000Z', now)).toBe('42s');
    expect(formatAge('2026-11-25T12:29:18.000Z', now)).toBe('3d');
  });
});
