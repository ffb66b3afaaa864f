import { ConfigError, configProblems } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createStorage } from './index.js';
import { LocalStorage } from './local/local-storage.js';
import { S3Storage } from './s3/s3-storage.js';
import { STORAGE_SETTINGS, type StorageSettings, storageConfigFrom } from './settings.js';

const schema = z.object(
  Object.fromEntries(Object.entries(STORAGE_SETTINGS).map(([k, v]) => [k, v.schema])) as {
    [K in keyof typeof STORAGE_SETTINGS]: (typeof STORAGE_SETTINGS)[K]['schema'];
  },
);

/** Parses env like the hub's loadHubConfig does: empty counts as unset, problems name the variable. */
function parse(env: Record<string, string>): StorageSettings {
  const source = Object.fromEntries(
    Object.keys(STORAGE_SETTINGS).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const result = schema.safeParse(source);
  if (!result.success) throw new ConfigError(configProblems(result.error, source));
  return result.data;
}

const S3_ENV = {
  PODPILOT_STORAGE: 's3',
  PODPILOT_S3_ENDPOINT: 'https://acc.r2.cloudflarestorage.com/',
  PODPILOT_S3_BUCKET: 'podpilot-models',
  PODPILOT_S3_ACCESS_KEY_ID: 'AKID',
  PODPILOT_S3_SECRET_ACCESS_KEY: 'secret',
};

describe('storage settings', () => {
  it('defaults to local storage under <home>', () => {
    const parsed = parse({});
    expect(parsed).toMatchObject({
      PODPILOT_STORAGE: 'local',
      PODPILOT_S3_REGION: 'auto',
      PODPILOT_S3_FORCE_PATH_STYLE: false,
    });
    expect(storageConfigFrom(parsed, '/srv/pp')).toEqual({
      kind: 'local',
      root: '/srv/pp/storage',
      keyFile: '/srv/pp/keys/storage-url.key',
    });
  });

  it('builds an R2 config, trimming the endpoint slash', () => {
    expect(storageConfigFrom(parse(S3_ENV), '/h')).toEqual({
      kind: 's3',
      endpoint: 'https://acc.r2.cloudflarestorage.com',
      region: 'auto',
      bucket: 'podpilot-models',
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      forcePathStyle: false,
    });
    expect(
      storageConfigFrom(
        parse({ ...S3_ENV, PODPILOT_S3_FORCE_PATH_STYLE: 'true', PODPILOT_S3_REGION: 'eu-west-1' }),
        '/h',
      ),
    ).toMatchObject({ forcePathStyle: true, region: 'eu-west-1' });
  });

  it('names the missing bucket when s3 is chosen', () => {
    const { PODPILOT_S3_BUCKET: _, ...env } = S3_ENV;
    expect(() => storageConfigFrom(parse(env), '/h')).toThrow(
      new ConfigError(['PODPILOT_S3_BUCKET: expected a bucket name when PODPILOT_STORAGE=s3']),
    );
  });

  it('names every missing s3 setting at once', () => {
    try {
      storageConfigFrom(parse({ PODPILOT_STORAGE: 's3' }), '/h');
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
        'PODPILOT_S3_BUCKET',
        'PODPILOT_S3_ACCESS_KEY_ID',
        'PODPILOT_S3_SECRET_ACCESS_KEY',
      ]);
    }
  });

  it.each([
    ['PODPILOT_STORAGE', 'gcs', 'PODPILOT_STORAGE: expected local or s3, got "gcs"'],
    ['PODPILOT_S3_ENDPOINT', 'ftp://x', 'PODPILOT_S3_ENDPOINT: expected an http(s) URL, got "ftp://x"'],
    [
      'PODPILOT_S3_FORCE_PATH_STYLE',
      'yes',
      'PODPILOT_S3_FORCE_PATH_STYLE: expected true or false, got "yes"',
    ],
    [
      'PODPILOT_S3_BUCKET',
      'My_Bucket',
      'PODPILOT_S3_BUCKET: expected a bucket name: 3 to 63 lowercase letters, digits, dots or hyphens, got "My_Bucket"',
    ],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => parse({ [name]: value })).toThrow(new ConfigError([message]));
  });

  it('documents every setting and gives secrets no flag', () => {
    for (const setting of Object.values(STORAGE_SETTINGS)) expect(setting.help.length).toBeGreaterThan(10);
    expect(STORAGE_SETTINGS.PODPILOT_S3_SECRET_ACCESS_KEY.flag).toBeUndefined();
  });

  it('creates the backend the config names', () => {
    const baseUrl = () => 'http://127.0.0.1:7300';
    expect(createStorage(storageConfigFrom(parse({}), '/tmp/pp'), { baseUrl })).toBeInstanceOf(LocalStorage);
    const s3 = createStorage(storageConfigFrom(parse(S3_ENV), '/h'), { baseUrl });
    expect(s3).toBeInstanceOf(S3Storage);
    expect(s3.kind).toBe('s3');
  });
});
