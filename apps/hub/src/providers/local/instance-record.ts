import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage as message } from '@podpilot/common';
import * as z from 'zod';
import { ProviderError } from '../errors.js';

/**
 * The on-disk side of the local provider: one folder `<root>/<id>/` per instance, holding `instance.json`
 * (this record), `agent.log` and the agent's `workspace/`.
 */

/** The provider kind named in errors raised here. */
const KIND = 'local';

export const RECORD = 'instance.json';
export const LOG = 'agent.log';
const WORKSPACE = 'workspace';
/** Folder names the provider issues: `local-<8 of the PodPilot id>-<4 hex>`; anything else is unknown. */
export const ID = /^local-[0-9a-z]{1,8}-[0-9a-f]{4}$/;

const Identity = z.object({
  pid: z.number().int().min(2),
  startTime: z.string().nullable(),
  bootId: z.string().nullable(),
  cmdline: z.string().nullable(),
});

/** `<root>/<id>/instance.json` (mode 0600: `env` holds the bootstrap token). */
export const InstanceRecord = z.object({
  version: z.literal(1),
  id: z.string(),
  label: z.string(),
  /** The launch's environment, kept so `start` runs the agent again exactly as launched. */
  env: z.record(z.string(), z.string()),
  createdAt: z.string(),
  /** What the owner asked for last; the process may disagree (crashed → `failed`). */
  state: z.enum(['running', 'stopped']),
  /** The WebUI's port on this machine (`PODPILOT_WEBUI_PORT`), picked free at each spawn; absent in older records. */
  webuiPort: z.number().int().min(1).max(65535).optional(),
  /** The agent process while `state` is `running`. */
  process: Identity.nullable(),
  /** How the last agent process ended, when this hub saw it end. */
  exit: z
    .object({ pid: z.number(), code: z.number().nullable(), signal: z.string().nullable(), at: z.string() })
    .nullable(),
  /** When the agent was restarted after dying on its own, within the restart window (ISO); reset by `start`. */
  restarts: z.array(z.string()).optional(),
});
export type InstanceRecord = z.infer<typeof InstanceRecord>;

/** An `instance.json` that cannot be read or parsed; the instance shows as `failed`. */
export class UnreadableRecord extends Error {
  constructor(
    readonly id: string,
    reason: string,
  ) {
    super(reason);
  }
}

export const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null ? (error as NodeJS.ErrnoException).code : undefined;
export { message };

export function instanceDir(root: string, id: string): string {
  return join(root, id);
}

export function workspaceDir(root: string, id: string): string {
  return join(instanceDir(root, id), WORKSPACE);
}

export function logPath(root: string, id: string): string {
  return join(instanceDir(root, id), LOG);
}

/** Makes `<root>/<new id>/` (0700); the mkdir itself is the claim, so two launches never share a folder. */
export async function claimFolder(root: string, instanceId: string): Promise<string> {
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ProviderError(KIND, `cannot create ${root}: ${message(error)}`, { cause: error });
  }
  const short =
    instanceId
      .toLowerCase()
      .replace(/[^0-9a-z]/g, '')
      .slice(0, 8) || 'x';
  for (let attempt = 0; ; attempt++) {
    const id = `local-${short}-${randomBytes(2).toString('hex')}`;
    try {
      await mkdir(instanceDir(root, id), { mode: 0o700 });
      return id;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST' || attempt >= 20) {
        throw new ProviderError(KIND, `cannot create an instance folder: ${message(error)}`, {
          cause: error,
        });
      }
    }
  }
}

/** The record; null when the folder or its `instance.json` is missing. */
export async function readRecord(
  root: string,
  id: string,
): Promise<InstanceRecord | UnreadableRecord | null> {
  let text: string;
  try {
    text = await readFile(join(instanceDir(root, id), RECORD), 'utf8');
  } catch (error) {
    // No instance.json: a launch between mkdir and its first write, or none at all.
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null;
    return new UnreadableRecord(id, message(error));
  }
  try {
    const record = InstanceRecord.parse(JSON.parse(text));
    if (record.id !== id) throw new Error(`it names ${record.id}`);
    return record;
  } catch (error) {
    return new UnreadableRecord(id, message(error));
  }
}

/** The record of an issued id; throws ProviderError when it is unknown or unreadable. */
export async function readKnownRecord(root: string, id: string): Promise<InstanceRecord> {
  const read = ID.test(id) ? await readRecord(root, id) : null;
  if (read === null) throw new ProviderError(KIND, `instance ${id} not found`);
  if (read instanceof UnreadableRecord) {
    throw new ProviderError(KIND, `instance ${id}: unreadable ${RECORD}: ${read.message}`, {
      cause: read,
    });
  }
  return read;
}

/** Writes `instance.json` whole (temp file, then rename), mode 0600. */
export async function writeRecord(root: string, record: InstanceRecord): Promise<void> {
  const path = join(instanceDir(root, record.id), RECORD);
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw new ProviderError(KIND, `cannot write ${path}: ${message(error)}`, { cause: error });
  }
}

/** Every record under `root` (unreadable ones too), oldest first; throws ProviderError when `root` cannot be listed. */
export async function readAllRecords(root: string): Promise<(InstanceRecord | UnreadableRecord)[]> {
  const names = await readdir(root).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return [] as string[];
    throw new ProviderError(KIND, `cannot list ${root}: ${message(error)}`, { cause: error });
  });
  const found = await Promise.all(names.filter((name) => ID.test(name)).map((id) => readRecord(root, id)));
  const records = found.filter((r) => r !== null);
  const createdAt = (r: InstanceRecord | UnreadableRecord) =>
    r instanceof UnreadableRecord ? '' : r.createdAt;
  return records.sort((a, b) => createdAt(a).localeCompare(createdAt(b)));
}

/** Appends a line of the provider's own to `agent.log` (time-stamped); a missing folder is no error. */
export async function noteInLog(root: string, id: string, line: string): Promise<void> {
  await appendFile(logPath(root, id), `[${new Date().toISOString()} podpilot local provider] ${line}\n`, {
    mode: 0o600,
    flag: 'a',
  }).catch(() => {});
}
