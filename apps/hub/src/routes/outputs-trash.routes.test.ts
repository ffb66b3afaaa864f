import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localAgent } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { hostile } from '../test-support/unicode-fuzz.js';
import { syncOutputs } from '../test-support/uploads.js';

const GRACE_MS = 60_000;

describe.each(testDatabases())('the outputs trash on $engine', ({ open }) => {
  const t = useOwnerHub(open, {}, { outputs: { trashGraceMs: GRACE_MS } });
  const { owner } = hubRequests(() => t.hub);
  const sync = (token: string, files: { path: string; bytes: Buffer }[]) => syncOutputs(t.hub, token, files);
  const paths = async (query = '') =>
    (await owner('GET', `/api/outputs?${query}`))
      .json()
      .outputs.map((o: { path: string }) => o.path)
      .sort();
  const files = (...names: string[]) =>
    names.map((path) => ({ path, bytes: Buffer.from(`bytes of ${path}`) }));

  it('deletes by id into the trash, lists it there, restores it, and counts each output once', async () => {
    const { id, token } = await localAgent(t, 'trash-a', { profile: 'trash-a' });
    const { confirmed } = await sync(token, files('output/a.png', 'output/b.png'));
    const [a, b] = confirmed.map((c) => c.id);
    const removed = await owner('POST', '/api/outputs/delete', { ids: [a, a] });
    expect(removed.statusCode).toBe(200);
    const { deleted, restoreUntil } = removed.json();
    expect(deleted).toBe(1);
    expect(Date.parse(restoreUntil) - Date.now()).toBeGreaterThan(GRACE_MS - 10_000);
    expect(await paths(`instance=${id}`)).toEqual(['output/b.png']);
    expect(await paths(`instance=${id}&deleted=true`)).toEqual(['output/a.png']);
    expect((await owner('GET', `/api/outputs/${a}`)).json().deletedAt).toEqual(expect.any(String));
    expect((await owner('GET', `/api/outputs/${b}`)).json().deletedAt).toBeNull();
    // Again: already in the trash, nothing more moves.
    expect((await owner('POST', '/api/outputs/delete', { ids: [a] })).json().deleted).toBe(0);

    expect((await owner('POST', '/api/outputs/restore', { ids: [a, b] })).json()).toEqual({ restored: 1 });
    expect(await paths(`instance=${id}`)).toEqual(['output/a.png', 'output/b.png']);
    expect(await paths(`instance=${id}&deleted=true`)).toEqual([]);
  });

  it("deletes a filter's result, never more than it matches", async () => {
    const { id, token } = await localAgent(t, 'trash-b', { profile: 'trash-b' });
    await sync(token, files('output/keep.png', 'output/cat-1.png', 'output/cat-2.png'));
    const res = await owner('POST', '/api/outputs/delete', { filter: { instance: id, path: 'cat-' } });
    expect(res.json().deleted).toBe(2);
    expect(await paths(`instance=${id}`)).toEqual(['output/keep.png']);
  });

  it('purges what outlived the grace period: its files leave storage, then its rows', async () => {
    const { id, token } = await localAgent(t, 'trash-c', { profile: 'trash-c' });
    const { confirmed } = await sync(token, files('output/old.png', 'output/recent.png'));
    const [old, recent] = confirmed.map((c) => c.id);
    await owner('POST', '/api/outputs/delete', { ids: [old, recent] });
    await t.db.query(`update outputs set deleted_at = now() - interval '2 minutes' where id = $1`, [old]);
    const key = (
      await t.db.query<{ k: string }>('select storage_key as k from outputs where id = $1', [old])
    )[0]?.k;
    expect(await t.hub.storage.head(key ?? '')).not.toBeNull();

    expect(await t.hub.services.outputs.trash.purge()).toBe(1);
    expect(await t.hub.storage.head(key ?? '')).toBeNull();
    expect((await owner('GET', `/api/outputs/${old}`)).statusCode).toBe(404);
    expect(await paths(`instance=${id}&deleted=true`)).toEqual(['output/recent.png']);
    expect(await t.hub.services.outputs.trash.purge()).toBe(0);
  });

  it('refuses a request it cannot read with 400 naming the field, and changes nothing', async () => {
    const { id, token } = await localAgent(t, 'trash-d', { profile: 'trash-d' });
    await sync(token, files('output/safe.png'));
    const bad: [unknown, RegExp][] = [
      [{}, /exactly one of ids or filter/],
      [{ ids: [] }, /at least one output id/],
      [{ ids: ['nope'] }, /ids\.0|ids\[0\]/],
      [{ filter: {} }, /at least one filter/],
      [{ filter: { instance: id, limit: 5 } }, /limit/],
      [{ ids: [id], filter: { instance: id } }, /exactly one of ids or filter/],
      ...fc.sample(hostile, 20).map((text): [unknown, RegExp] => [{ ids: [text] }, /body\.ids\.0: expected/]),
    ];
    for (const [body, message] of bad) {
      const res = await owner('POST', '/api/outputs/delete', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatch(message);
    }
    expect((await owner('POST', '/api/outputs/restore', { ids: 'x' })).statusCode).toBe(400);
    expect((await owner('GET', '/api/outputs?deleted=maybe')).statusCode).toBe(400);
    expect(await paths(`instance=${id}`)).toEqual(['output/safe.png']);
  });
});
