import { describe, expect, it } from 'vitest';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

describe.each(testDatabases())('API tokens on $engine', ({ open }) => {
  const t = useOwnerHub(open);

  const { stranger, owner, bearer } = hubRequests(() => t.hub);
  const create = (name: unknown) => owner('POST', '/api/tokens', { name });
  const withBearer = (token: string) => bearer(token, 'GET', '/api/instances');

  it('shows a new token once, then lists it without its secret', async () => {
    const res = await create('laptop cli');
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created.token).toMatch(/^pp_[\w-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    const list = await owner('GET', '/api/tokens');
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
    const list = await bearer(token, 'GET', '/api/tokens');
    expect(list.json().tokens.find((t: { id: string }) => t.id === id).lastUsedAt).not.toBeNull();
  });

  it('stops accepting a token once revoked; revoking again is harmless', async () => {
    const { token, id } = (await create('to revoke')).json();
    const revoke = () => owner('DELETE', `/api/tokens/${id}`);
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
    await owner('DELETE', `/api/tokens/${first.id}`);
    expect((await create('ci')).statusCode).toBe(201);
  });

  it('rejects bad input naming the field', async () => {
    const blank = await create('   ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.issues[0].path).toBe('body.name');
    const badId = await owner('DELETE', '/api/tokens/nope');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.issues[0]).toMatchObject({
      path: 'params.id',
      message: 'expected a token id (UUID)',
    });
    const unknown = await owner('DELETE', '/api/tokens/00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses a malformed Authorization header clearly', async () => {
    const res = await stranger('GET', '/api/instances', undefined, { authorization: 'Token abc' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/^Authorization: expected "Bearer <API token>"/);
  });
});
