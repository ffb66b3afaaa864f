import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutputUploadPlan } from '@podpilot/common';
import { type UploadFilePartsOptions, uploadFileParts } from '@podpilot/common/node';
import { expect } from 'vitest';
import { hubRequests, type RequestTarget } from './app.js';

/**
 * Sends `bytes` through the presigned parts of a multipart `plan` the way the CLI and the agent do (from a file,
 * written to a temp folder and removed afterwards); the parts with their ETags, for the completion call.
 */
export async function uploadInParts(
  bytes: Buffer,
  plan: UploadFilePartsOptions['plan'],
  presign: UploadFilePartsOptions['presign'],
) {
  const dir = await mkdtemp(join(tmpdir(), 'podpilot-test-upload-'));
  try {
    const path = join(dir, 'bytes');
    await writeFile(path, bytes);
    return await uploadFileParts({ path, size: bytes.length, plan, presign });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** PUTs `bytes` to a presigned URL (a single-part upload), expecting storage to answer 200. */
export async function putToUrl(url: string, bytes: Buffer): Promise<void> {
  const res = await fetch(url, { method: 'PUT', body: bytes });
  await res.arrayBuffer();
  expect(res.status, `PUT ${url}`).toBe(200);
}

/** An output file as the agent describes it (a fixed mtime unless given). */
export const describeOutput = (path: string, bytes: Buffer, mtime = '2026-11-28T10:00:00.000Z') => ({
  path,
  sizeBytes: bytes.length,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  mtime,
});

/** Presign, PUT, confirm: an agent's sync of small files. Returns the plans and the confirmed rows. */
export async function syncOutputs(
  hub: RequestTarget,
  token: string,
  files: { path: string; bytes: Buffer }[],
) {
  const { agent } = hubRequests(() => hub);
  const presign = await agent(token, 'POST', 'outputs/presign', {
    files: files.map((f) => describeOutput(f.path, f.bytes)),
  });
  expect(presign.statusCode).toBe(200);
  const plans = presign.json().files as OutputUploadPlan[];
  const toConfirm = [];
  for (const [i, plan] of plans.entries()) {
    const file = files[i] as { path: string; bytes: Buffer };
    if (plan.status !== 'put') continue;
    await putToUrl(plan.url, file.bytes);
    toConfirm.push({ ...describeOutput(file.path, file.bytes), key: plan.key, version: plan.version });
  }
  if (!toConfirm.length) return { plans, confirmed: [] };
  const confirm = await agent(token, 'POST', 'outputs/confirm', { files: toConfirm });
  expect(confirm.statusCode, confirm.body).toBe(200);
  return { plans, confirmed: confirm.json().confirmed as { path: string; version: number; id: string }[] };
}
