import { StorageSettingsResponse } from '@podpilot/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubRequests, routesTestApp, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';
import { settingsRoutes, storageFacts } from './settings.routes.js';

const S3 = {
  kind: 's3',
  endpoint: 'https://acct.r2.cloudflarestorage.com',
  region: 'auto',
  bucket: 'podpilot-data',
  accessKeyId: 'AKIDEXAMPLE0123',
  secretAccessKey: 'very-secret-access-key-0123456789',
  forcePathStyle: false,
} as const;

describe('storageFacts', () => {
  it('names local storage without its paths', () => {
    expect(storageFacts({ kind: 'local', root: '/home/x/storage', keyFile: '/home/x/keys/k' })).toEqual({
      kind: 'local',
    });
    expect(storageFacts(undefined)).toEqual({ kind: 'local' });
  });

  it('names the S3 endpoint, region and bucket, never the keys; AWS S3 has a null endpoint', () => {
    const facts = storageFacts(S3);
    expect(facts).toEqual({
      kind: 's3',
      endpoint: S3.endpoint,
      region: 'auto',
      bucket: 'podpilot-data',
      forcePathStyle: false,
    });
    expect(JSON.stringify(facts)).not.toMatch(/AKIDEXAMPLE|very-secret/);
    const { endpoint: _e, ...aws } = S3;
    expect(storageFacts(aws)).toMatchObject({ kind: 's3', endpoint: null });
  });
});

describe.each(testDatabases())('GET /api/settings/storage ($engine)', ({ open }) => {
  const t = useOwnerHub(open);
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await routesTestApp(t.hub);
    await app.register(settingsRoutes, { storage: S3 });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });
  const { stranger, owner } = hubRequests(() => ({ app, cookie: t.hub.cookie }));

  it('requires the owner', async () => {
    expect((await stranger('GET', '/api/settings/storage')).statusCode).toBe(401);
  });

  it('answers the storage in use without its secret', async () => {
    const res = await owner('GET', '/api/settings/storage');
    expect(res.statusCode).toBe(200);
    expect(StorageSettingsResponse.parse(res.json())).toMatchObject({ kind: 's3', bucket: 'podpilot-data' });
    expect(res.body).not.toContain(S3.secretAccessKey);
    expect(res.body).not.toContain(S3.accessKeyId);
  });

  it('answers local storage for the full hub built without a storage config', async () => {
    const res = await hubRequests(() => ({ app: t.hub.app, cookie: t.hub.cookie })).owner(
      'GET',
      '/api/settings/storage',
    );
    expect(res.json()).toEqual({ kind: 'local' });
  });
});
