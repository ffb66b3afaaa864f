import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isCode } from './files.js';

const KEY_BYTES = 32;

/**
 * The HMAC key for local storage URLs, kept as 64 hex characters in `path`. Created on first use with
 * mode 0600 (folder 0700); concurrent first uses agree on one key (exclusive create, then re-read).
 * @throws Error naming the file when it exists but does not hold a 32-byte hex key.
 */
export async function loadOrCreateKey(path: string): Promise<Buffer> {
  try {
    return parseKey(await readFile(path, 'utf8'), path);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    await chmod(path, 0o600); // writeFile's mode goes through the umask: make it exactly 0600
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
  }
  return parseKey(await readFile(path, 'utf8'), path);
}

function parseKey(text: string, path: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex))
    throw new Error(
      `${path}: expected the storage URL key as 64 hex characters; delete the file to create a new one ` +
        '(links signed with the old key stop working)',
    );
  return Buffer.from(hex, 'hex');
}

/** Everything a local storage URL grants; each field is covered by the signature. */
export interface UrlGrant {
  /** `get` (GET/HEAD of an object), `put` (PUT of an object) or `part` (PUT of a multipart part). */
  op: 'get' | 'put' | 'part';
  key: string;
  /** Expiry, Unix seconds. */
  exp: number;
  uploadId?: string;
  partNumber?: number;
  contentLength?: number;
  contentType?: string;
  downloadName?: string;
}

const METHOD_OF: Record<UrlGrant['op'], string> = { get: 'GET', put: 'PUT', part: 'PUT' };

/** The exact string signed: a JSON array, so no field can bleed into the next. */
function canonical(grant: UrlGrant): string {
  return JSON.stringify([
    'podpilot-storage-v1',
    METHOD_OF[grant.op],
    grant.op,
    grant.key,
    grant.exp,
    grant.uploadId ?? null,
    grant.partNumber ?? null,
    grant.contentLength ?? null,
    grant.contentType ?? null,
    grant.downloadName ?? null,
  ]);
}

/** HMAC-SHA256 of a grant, hex. */
export function signGrant(key: Buffer, grant: UrlGrant): string {
  return createHmac('sha256', key).update(canonical(grant)).digest('hex');
}

/** Constant-time check of a hex signature against a grant. */
export function verifyGrant(key: Buffer, grant: UrlGrant, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signGrant(key, grant), 'hex'), Buffer.from(signature, 'hex'));
}

/** Query parameter names of a signed URL. */
const PARAM = {
  key: 'key',
  op: 'op',
  exp: 'exp',
  uploadId: 'uploadId',
  partNumber: 'partNumber',
  contentLength: 'len',
  contentType: 'type',
  downloadName: 'name',
  sig: 'sig',
} as const;

/** `${base}/storage/v1/object?…` or `…/part?…` for a grant, signed. */
export function grantUrl(base: string, key: Buffer, grant: UrlGrant): string {
  const url = new URL(`${base.replace(/\/+$/, '')}/storage/v1/${grant.op === 'part' ? 'part' : 'object'}`);
  const q = url.searchParams;
  q.set(PARAM.key, grant.key);
  q.set(PARAM.op, grant.op);
  q.set(PARAM.exp, String(grant.exp));
  if (grant.uploadId !== undefined) q.set(PARAM.uploadId, grant.uploadId);
  if (grant.partNumber !== undefined) q.set(PARAM.partNumber, String(grant.partNumber));
  if (grant.contentLength !== undefined) q.set(PARAM.contentLength, String(grant.contentLength));
  if (grant.contentType !== undefined) q.set(PARAM.contentType, grant.contentType);
  if (grant.downloadName !== undefined) q.set(PARAM.downloadName, grant.downloadName);
  q.set(PARAM.sig, signGrant(key, grant));
  return url.toString();
}

const wholeNumber = (v: string | undefined): number | undefined =>
  v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined;

/**
 * Reads a grant and its signature back from a URL's query (as Fastify parses it). Returns null when a
 * required parameter is missing or malformed; the signature check happens afterwards.
 */
export function grantFromQuery(
  query: Record<string, string | string[] | undefined>,
): { grant: UrlGrant; signature: string } | null {
  // A repeated parameter is malformed: never guess which copy was signed.
  if (Object.values(query).some(Array.isArray)) return null;
  const q = query as Record<string, string | undefined>;
  const op = q[PARAM.op];
  const key = q[PARAM.key];
  const exp = wholeNumber(q[PARAM.exp]);
  const signature = q[PARAM.sig];
  if ((op !== 'get' && op !== 'put' && op !== 'part') || !key || exp === undefined || !signature) return null;
  const grant: UrlGrant = { op, key, exp };
  const { uploadId, partNumber, len, type, name } = q;
  if (uploadId !== undefined) grant.uploadId = uploadId;
  if (type !== undefined) grant.contentType = type;
  if (name !== undefined) grant.downloadName = name;
  if (partNumber !== undefined) {
    const n = wholeNumber(partNumber);
    if (n === undefined) return null;
    grant.partNumber = n;
  }
  if (len !== undefined) {
    const n = wholeNumber(len);
    if (n === undefined) return null;
    grant.contentLength = n;
  }
  return { grant, signature };
}
