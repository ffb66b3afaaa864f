import { CreateSnapshotRequest } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { snapshotBody, snapshotProfileError } from './snapshots';

describe('snapshotProfileError', () => {
  it('accepts an empty field (the instance’s own profile) and valid names', () => {
    expect(snapshotProfileError('')).toBeUndefined();
    expect(snapshotProfileError('   ')).toBeUndefined();
    expect(snapshotProfileError('sdxl-tuned-2')).toBeUndefined();
    expect(snapshotProfileError('0')).toBeUndefined();
    expect(snapshotProfileError('a'.repeat(63))).toBeUndefined();
  });

  it('explains what is wrong', () => {
    expect(snapshotProfileError('a'.repeat(64))).toMatch(/63 characters/);
    expect(snapshotProfileError('My_Profile')).toMatch(/lowercase letters, digits and dashes/);
    expect(snapshotProfileError('sdxl.v2')).toMatch(/lowercase letters, digits and dashes/);
    expect(snapshotProfileError('-sdxl')).toMatch(/Start with/);
  });

  it('agrees with the hub’s schema', () => {
    for (const name of [
      'a',
      'sdxl-2',
      '9lives',
      '-a',
      'A',
      'a_b',
      'a b',
      'é',
      'x'.repeat(63),
      'x'.repeat(64),
    ]) {
      const ok = CreateSnapshotRequest.safeParse({ as: name }).success;
      expect(snapshotProfileError(name) === undefined, name).toBe(ok);
    }
  });
});

describe('snapshotBody', () => {
  it('leaves `as` out when empty and trims the name', () => {
    expect(snapshotBody('')).toEqual({});
    expect(snapshotBody('  ')).toEqual({});
    expect(snapshotBody(' sdxl ')).toEqual({ as: 'sdxl' });
  });
});
