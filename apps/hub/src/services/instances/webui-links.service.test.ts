import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { webuiLinkRoutes } from '../../routes/webui-link.routes.js';
import { localInstance } from '../../test-support/agents.js';
import { asOwner, hubRequests, routesTestApp, useOwnerHub } from '../../test-support/app.js';
import { testDatabases } from '../../test-support/databases.js';
import { type LinkAccess, WebuiLinks } from './webui-links.service.js';

const NOW = 1_800_000_000_000;

/** The claims of a link from its URL, after checking its signature with `key`. */
function claimsOf(url: string, key: Buffer): { i: string; n: string; e: number } {
  const link = new URL(url).searchParams.get('l') ?? '';
  const [payload = '', signature] = link.split('.');
  expect(signature).toBe(createHmac('sha256', key).update(payload).digest('base64url'));
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

describe.each(testDatabases())('WebUI links on $engine', ({ open }) => {
  const t = useOwnerHub(open);
  const { register } = hubRequests(() => t.hub);
  let access: LinkAccess | null = null;
  const links = () =>
    new WebuiLinks(t.db, t.hub.services.instances, { now: () => NOW, access: () => access });

  /** A registered instance in `state`; its link key as the agent got it. */
  async function registered(name: string, state = 'ready'): Promise<{ id: string; key: Buffer }> {
    const { id, bootstrap } = await localInstance(t, name);
    const res = await register(bootstrap);
    expect(res.statusCode, res.body).toBe(200);
    await t.db.query(`update instances set state = $2 where id = $1`, [id, state]);
    return { id, key: Buffer.from(res.json().webuiLinkKey, 'base64') };
  }

  it('gives each registering agent its own 32-byte key', async () => {
    const a = await registered('links-keys-a');
    const b = await registered('links-keys-b');
    expect(a.key).toHaveLength(32);
    expect(a.key.equals(b.key)).toBe(false);
  });

  it("signs a one-time link to the public address with the agent's key, valid for 60 s", async () => {
    const { id, key } = await registered('links-public');
    access = { kind: 'public', url: 'http://203.0.113.7:41234' };
    const first = await links().open(id);
    expect(first.url).toMatch(/^http:\/\/203\.0\.113\.7:41234\/_podpilot\/open\?l=/);
    expect(first.expiresAt).toBe(new Date(NOW + 60_000).toISOString());
    const claims = claimsOf(first.url, key);
    expect(claims).toMatchObject({ i: id, e: NOW / 1000 + 60 });
    const second = claimsOf((await links().open(id)).url, key);
    expect(second.n).not.toBe(claims.n);
  });

  it('hands a tailnet or local address as it is, with no link', async () => {
    const { id } = await registered('links-tailnet');
    access = { kind: 'tailnet', url: 'http://pp-links-tailnet:8188' };
    expect(await links().open(id)).toEqual({ url: 'http://pp-links-tailnet:8188', expiresAt: null });
  });

  it('refuses (409) while the WebUI is not serving or has no address, and 404 for no such instance', async () => {
    const booting = await registered('links-booting', 'provisioning');
    access = { kind: 'public', url: 'http://203.0.113.7:41234' };
    await expect(links().open(booting.id)).rejects.toMatchObject({ statusCode: 409 });
    const ready = await registered('links-no-address');
    access = { kind: 'public', url: null };
    await expect(links().open(ready.id)).rejects.toMatchObject({ statusCode: 409 });
    access = null;
    await expect(links().open(ready.id)).rejects.toMatchObject({ statusCode: 409 });
    await expect(links().open('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  describe('POST /api/instances/:id/webui-link', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await routesTestApp(t.hub);
      await app.register(webuiLinkRoutes, { webuiLinks: links() });
    });

    it("answers the owner with the instance's way in, and nobody else", async () => {
      const { id } = await registered('links-route');
      access = { kind: 'local', url: 'http://127.0.0.1:40001' };
      const url = `/api/instances/${id}/webui-link`;
      const owned = await app.inject({ method: 'POST', url, headers: asOwner(t.hub.cookie) });
      expect(owned.statusCode, owned.body).toBe(200);
      expect(owned.json()).toEqual({ url: 'http://127.0.0.1:40001', expiresAt: null });
      expect((await app.inject({ method: 'POST', url })).statusCode).toBe(401);
    });
  });
});
