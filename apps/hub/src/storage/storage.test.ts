import { describe, expect, it } from 'vitest';
import { S3Storage } from './s3/s3-storage.js';
import { storageContract } from './storage.contract.js';
import { choosePartSize, MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from './storage.js';
import { startLocalStorage } from './test-support/local.js';
import { S3RVER_CREDENTIALS, startS3rver } from './test-support/s3rver.js';

const MiB = 1024 * 1024;

storageContract('s3 (s3rver)', async () => {
  const server = await startS3rver();
  const storage = new S3Storage({
    endpoint: server.endpoint,
    region: 'auto',
    bucket: server.bucket,
    forcePathStyle: true,
    ...S3RVER_CREDENTIALS,
  });
  return {
    storage,
    teardown: async () => {
      storage.close();
      await server.close();
    },
  };
});

storageContract('local (Fastify on loopback)', async () => {
  const local = await startLocalStorage();
  return { storage: local.storage, teardown: local.close };
});

describe('choosePartSize', () => {
  it('uses the preferred 64 MiB for ordinary files', () => {
    expect(choosePartSize(0)).toBe(64 * MiB);
    expect(choosePartSize(7 * 1024 * MiB)).toBe(64 * MiB);
  });

  it('never goes below 5 MiB and rounds up to whole MiB', () => {
    expect(choosePartSize(100, 1)).toBe(MIN_PART_SIZE);
    expect(choosePartSize(100, 7.5 * MiB)).toBe(8 * MiB);
    expect(choosePartSize(100, 10 * MiB + 1)).toBe(11 * MiB);
  });

  it('grows the part size to stay within 10,000 parts', () => {
    for (const total of [640 * 1024 * MiB, 1024 * 1024 * MiB + 12_345, 40 * 1024 * 1024 * MiB]) {
      const size = choosePartSize(total);
      expect(size % MiB).toBe(0);
      expect(size).toBeGreaterThanOrEqual(MIN_PART_SIZE);
      expect(Math.ceil(total / size)).toBeLessThanOrEqual(MAX_PARTS);
    }
    expect(choosePartSize(MAX_PARTS * 64 * MiB + 1)).toBe(65 * MiB);
  });

  it('caps a preferred size at 5 GiB and refuses what cannot fit', () => {
    expect(choosePartSize(1, 6 * 1024 * MiB)).toBe(MAX_PART_SIZE);
    expect(choosePartSize(MAX_PARTS * MAX_PART_SIZE)).toBe(MAX_PART_SIZE);
    expect(() => choosePartSize(MAX_PARTS * MAX_PART_SIZE + 1)).toThrow(
      /totalBytes: expected at most 10000 parts/,
    );
    expect(() => choosePartSize(-1)).toThrow(/totalBytes/);
  });
});
