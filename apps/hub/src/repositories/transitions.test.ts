import { canTransition, InstanceState } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { insertInstance } from '../test-support/costs.js';
import { testDatabases } from '../test-support/databases.js';
import { moveState } from './transitions.js';

describe.each(testDatabases())('moveState: the one checked state change ($engine)', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  const instanceIn = (state: InstanceState) =>
    insertInstance(db, { name: `in-${state}`, state, transitions: [] });
  const row = async (id: string) =>
    (
      await db.query<{
        state: string;
        stopReason: string | null;
        readyAt: Date | null;
        reason: string | null;
      }>(
        `select state, stop_reason as "stopReason", ready_at as "readyAt", state_reason as reason
           from instances where id = $1`,
        [id],
      )
    )[0];
  const history = async (id: string) =>
    (
      await db.query<{ from: string | null; to: string }>(
        'select from_state as "from", to_state as "to" from instance_transitions where instance_id = $1 order by id',
        [id],
      )
    ).map((h) => `${h.from}→${h.to}`);

  it('makes exactly the moves the state machine allows, and records only those', async () => {
    for (const from of InstanceState.options) {
      for (const to of InstanceState.options) {
        if (from === to) continue;
        const id = await instanceIn(from);
        const moved = await moveState(db, id, to, 'test');
        const allowed = canTransition(from, to);
        expect(moved, `${from}→${to}`).toBe(allowed ? from : null);
        expect((await row(id))?.state).toBe(allowed ? to : from);
        expect(await history(id)).toEqual(allowed ? [`${from}→${to}`] : []);
      }
    }
  });

  it('records no change that did not happen: the same state twice, or outside `from`', async () => {
    const id = await instanceIn('ready');
    expect(await moveState(db, id, 'ready', 'again')).toBeNull();
    expect(await moveState(db, id, 'idle', 'only from booting', { from: ['booting'] })).toBeNull();
    expect(await history(id)).toEqual([]);
  });

  it('keeps the stop reason and message from stopping to stopped, and clears them when it runs again', async () => {
    const id = await instanceIn('ready');
    await moveState(db, id, 'stopping', 'test', { reason: 'idle 30 min', stopReason: 'idle' });
    await moveState(db, id, 'stopped', 'provider stopped it');
    expect(await row(id)).toMatchObject({ state: 'stopped', stopReason: 'idle', reason: 'idle 30 min' });
    await moveState(db, id, 'booting', 'started');
    expect(await row(id)).toMatchObject({ stopReason: null, reason: null });
  });

  it('notes the first time an instance is ready, and keeps it', async () => {
    const id = await instanceIn('provisioning');
    expect((await row(id))?.readyAt).toBeNull();
    await moveState(db, id, 'ready', 'test');
    const first = (await row(id))?.readyAt;
    expect(first).toBeInstanceOf(Date);
    await moveState(db, id, 'provisioning', 'test');
    await moveState(db, id, 'ready', 'test');
    expect((await row(id))?.readyAt).toEqual(first);
  });
});
