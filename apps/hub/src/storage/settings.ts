import { join } from 'node:path';
import { ConfigError } from '@podpilot/common';
import * as z from 'zod';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The storage settings, in the same shape as `HUB_SETTINGS` (apps/hub/src/env.ts): zod schema of the env
 * string, CLI flag, help text and the default shown in help. Secrets have no flag: flags show up in `ps`.
 */
export const STORAGE_SETTINGS = {
  PODPILOT_STORAGE: {
    flag: '--storage <kind>',
    help: 'object storage: local (a folder in <home>/storage served by the hub) or s3 (any S3-compatible store, e.g. Cloudflare R2)',
    schema: z.enum(['local', 's3'], { message: 'expected local or s3' }).default('local'),
    fallback: 'local',
  },
  PODPILOT_S3_ENDPOINT: {
    flag: '--s3-endpoint <url>',
    help: 'S3 endpoint URL; for R2 https://<account id>.r2.cloudflarestorage.com; unset for AWS S3',
    schema: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional(),
    fallback: '(AWS S3)',
  },
  PODPILOT_S3_REGION: {
    flag: '--s3-region <region>',
    help: 'S3 region; auto for R2',
    schema: z.string().trim().min(1, 'expected a region name such as auto or us-east-1').default('auto'),
    fallback: 'auto',
  },
  PODPILOT_S3_BUCKET: {
    flag: '--s3-bucket <name>',
    help: 'bucket that holds models, outputs and snapshots (required with --storage s3)',
    schema: z
      .string()
      .trim()
      .regex(BUCKET, 'expected a bucket name: 3 to 63 lowercase letters, digits, dots or hyphens')
      .optional(),
    fallback: '(none)',
  },
  PODPILOT_S3_ACCESS_KEY_ID: {
    flag: undefined,
    help: 'access key ID of an S3/R2 API token with read and write access to the bucket',
    schema: z.string().trim().min(1, 'expected an access key ID').optional(),
    fallback: '(none)',
  },
  PODPILOT_S3_SECRET_ACCESS_KEY: {
    flag: undefined,
    help: 'secret access key that goes with PODPILOT_S3_ACCESS_KEY_ID (never logged)',
    schema: z.string().trim().min(1, 'expected a secret access key').optional(),
    fallback: '(none)',
  },
  PODPILOT_S3_FORCE_PATH_STYLE: {
    flag: '--s3-force-path-style',
    help: 'address the bucket as <endpoint>/<bucket> instead of <bucket>.<host> (MinIO and similar); true or false',
    schema: z
      .enum(['true', 'false'], { message: 'expected true or false' })
      .transform((v) => v === 'true')
      .default(false),
    fallback: 'false',
  },
} as const;

type Settings = typeof STORAGE_SETTINGS;

/** The storage settings as parsed: what `z.object` of the `STORAGE_SETTINGS` schemas outputs. */
export type StorageSettings = z.output<z.ZodObject<{ [K in keyof Settings]: Settings[K]['schema'] }>>;

/** Which storage to open, and how. */
export type StorageConfig =
  | {
      kind: 'local';
      /** `<home>/storage`: objects, sidecars, multipart staging and temp files. */
      root: string;
      /** `<home>/keys/storage-url.key`: HMAC key of the signed URLs. */
      keyFile: string;
    }
  | {
      kind: 's3';
      endpoint?: string;
      region: string;
      bucket: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
    };

/**
 * Turns parsed settings into a `StorageConfig`; `home` is the resolved `PODPILOT_HOME`.
 * @throws ConfigError naming every missing variable when `PODPILOT_STORAGE=s3` lacks the bucket or keys.
 */
export function storageConfigFrom(parsed: StorageSettings, home: string): StorageConfig {
  if (parsed.PODPILOT_STORAGE === 'local')
    return { kind: 'local', root: join(home, 'storage'), keyFile: join(home, 'keys', 'storage-url.key') };
  const { PODPILOT_S3_BUCKET: bucket, PODPILOT_S3_ACCESS_KEY_ID: accessKeyId } = parsed;
  const secretAccessKey = parsed.PODPILOT_S3_SECRET_ACCESS_KEY;
  const problems = [
    bucket ? undefined : 'PODPILOT_S3_BUCKET: expected a bucket name when PODPILOT_STORAGE=s3',
    accessKeyId ? undefined : 'PODPILOT_S3_ACCESS_KEY_ID: expected an access key ID when PODPILOT_STORAGE=s3',
    secretAccessKey
      ? undefined
      : 'PODPILOT_S3_SECRET_ACCESS_KEY: expected a secret access key when PODPILOT_STORAGE=s3',
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0 || !bucket || !accessKeyId || !secretAccessKey) throw new ConfigError(problems);
  return {
    kind: 's3',
    ...(parsed.PODPILOT_S3_ENDPOINT ? { endpoint: parsed.PODPILOT_S3_ENDPOINT.replace(/\/+$/, '') } : {}),
    region: parsed.PODPILOT_S3_REGION,
    bucket,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: parsed.PODPILOT_S3_FORCE_PATH_STYLE,
  };
}
