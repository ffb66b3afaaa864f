import { describe, expect, it } from 'vitest';
import { asOwner, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

describe.each(testDatabases())('API tokens on $engine', ({ open }) => {
  const t = useOwnerHub(open);

  const create = (name: unknown) =>
    t.hub.app.inject({
      method: 'POST',
      url: '/api/tokens',
      payload: { name },
      headers: asOwner(t.hub.cookie),
    });
  const withBearer = (token: string) =>
    t.hub.app.inject({ method: 'GET', url: '/api/instances', headers: { authorization: `Bearer ${token}` } });

  it('shows a new token once, then lists it without its secret', async () => {
    const res = await create('laptop cli');
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.token).toMatch(/^pp_[\w-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    const list = await t.hub.app.inject({
      method: 'GET',
      url: '/api/tokens',
      headers: asOwner(t.hub.cookie),
    });
    const listed = list.json().tokens.find((t: { id: string }) => t.id === created.id);
    expect(listed).toMatchObject({ name: 'laptop cli', revokedAt: null });
    expect(JSON.stringify(list.json())).not.toContain(created.token);
    const stored = await t.db.query<{ token_hash: string }>(
      'select token_hash from api_tokens where id = $1',
      [created.id],
    );
    expect(stored[0]?.token_hash).not.toContain(created.token.slice(3));
  });

  it('authenticates API calls with the bearer token and records its use', async () => {
    const { token, id } = (await create('script')).json();
    expect((await withBearer(token)).statusCode).toBe(200);
    const list = await t.hub.app.inject({
      method: 'GET',
      url: '/api/tokens',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.json().tokens.find((t: { id: string }) => t.id === id).lastUsedAt).not.toBeNull();
  });

  it('stops accepting a token once revoked; revoking again is harmless', async () => {
    const { token, id } = (await create('to revoke')).json();
    const revoke = () =>
      t.hub.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: asOwner(t.hub.cookie) });
    expect((await revoke()).statusCode).toBe(204);
    const after = await withBearer(token);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toMatch(/unknown or revoked/);
    expect((await revoke()).statusCode).toBe(204);
  });

  it('lets a name be reused only after the live token with it is revoked', async () => {
    const first = (await create('ci')).json();
    const clash = await create('ci');
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.message).toMatch(/^name: /);
    await t.hub.app.inject({
      method: 'DELETE',
      url: `/api/tokens/${first.id}`,
      headers: asOwner(t.hub.cookie),
    });
    expect((await create('ci')).statusCode).toBe(201);
  });

  it('rejects bad input naming the field', async () => {
    const blank = await create('   ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.issues[0].path).toBe('body.name');
    const badId = await t.hub.app.inject({
      method: 'DELETE',
      url: '/api/tokens/nope',
      headers: asOwner(t.hub.cookie),
    });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.issues[0]).toMatchObject({
      path: 'params.id',
      message: 'expected a token id (UUID)',
    });
    const unknown = await t.hub.app.inject({
      method: 'DELETE',
      url: '/api/tokens/00000000-0000-4000-8000-000000000000',
      headers: asOwner(t.hub.cookie),
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses a malformed Authorization header clearly', async () => {
    const res = await t.hub.app.inject({
      method: 'GET',
      url: '/api/instances',
      headers: { authorization: 'Token abc' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/^Authorization: expected "Bearer <API token>"/);
  });
});
