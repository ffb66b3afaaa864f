/**
 * What the local provider needs from the process table: tell whether a recorded pid is still the process we
 * started (pids are reused), signal a process group, and find every process of one instance by a marker in
 * its environment. Linux answers from procfs; elsewhere only `kill(pid, 0)` is available, so a reused pid
 * looks like ours and the marker sweep finds nothing.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { sleep } from '@podpilot/common';

/** What identifies a process we started beyond its pid. Fields are null when procfs is missing. */
export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22). */
  startTime: string | null;
  /** `/proc/sys/kernel/random/boot_id`: the same pid and start time after a reboot are another process. */
  bootId: string | null;
  /** `/proc/<pid>/cmdline` read right after the spawn (NUL-separated). */
  cmdline: string | null;
}

/** `ours`: alive and the one we started; `gone`: exited (a zombie counts); `other`: the pid was reused. */
export type ProcessProbe = 'ours' | 'gone' | 'other';

const POLL_MS = 100;

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null ? (error as NodeJS.ErrnoException).code : undefined;

let procfs: Promise<boolean> | undefined;
const hasProcfs = (): Promise<boolean> =>
  (procfs ??= access('/proc/self/stat').then(
    () => true,
    () => false,
  ));

let boot: Promise<string | null> | undefined;
const bootId = (): Promise<string | null> =>
  (boot ??= readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
    (text) => text.trim(),
    () => null,
  ));

const readText = (path: string) => readFile(path, 'utf8').catch(() => null);

/** State letter and start time from `/proc/<pid>/stat`; the command name may hold spaces and `)`. */
async function statOf(pid: number): Promise<{ state: string; startTime: string } | null> {
  const text = await readText(`/proc/${pid}/stat`);
  if (text === null) return null;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
}

/** A pid we may signal: never 0 or 1 (as a group, 0 is our own and -1 is every process). */
export const isSignallablePid = (pid: number): boolean => Number.isSafeInteger(pid) && pid > 1;

/** The identity of a process just spawned (its exec has happened once Node emitted `spawn`). */
export async function identify(pid: number): Promise<ProcessIdentity> {
  if (!(await hasProcfs())) return { pid, startTime: null, bootId: null, cmdline: null };
  const [stat, cmdline, id] = await Promise.all([statOf(pid), readText(`/proc/${pid}/cmdline`), bootId()]);
  return { pid, startTime: stat?.startTime ?? null, bootId: id, cmdline };
}

/** Whether the recorded process still runs. Read-only. */
export async function probe(identity: ProcessIdentity): Promise<ProcessProbe> {
  const { pid } = identity;
  if (!isSignallablePid(pid)) return 'gone';
  try {
    process.kill(pid, 0);
  } catch (error) {
    return errorCode(error) === 'EPERM' ? 'other' : 'gone';
  }
  if (!(await hasProcfs())) return 'ours';
  const stat = await statOf(pid);
  if (stat === null) return 'gone';
  if (identity.bootId !== null && identity.bootId !== (await bootId())) return 'other';
  if (identity.startTime !== null && identity.startTime !== stat.startTime) return 'other';
  if (stat.state === 'Z' || stat.state === 'X') return 'gone';
  if (identity.cmdline !== null) {
    const cmdline = await readText(`/proc/${pid}/cmdline`);
    if (cmdline === null) return 'gone';
    if (cmdline !== identity.cmdline) return 'other';
  }
  return 'ours';
}

/** Sends `signal` to the process group led by `pid`; no error when the group is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (!isSignallablePid(pid)) throw new Error(`refusing to signal process group ${pid}`);
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (errorCode(error) !== 'ESRCH' && errorCode(error) !== 'EPERM') throw error;
  }
}

/**
 * Stops the process group led by `identity` when it is still ours: SIGTERM, then SIGKILL after `graceMs`,
 * then waits up to `killWaitMs` more. Resolves with whether the leader is gone (false only when even SIGKILL
 * did not end it in time). A reused pid is never signalled.
 */
export async function stopGroup(
  identity: ProcessIdentity,
  graceMs: number,
  killWaitMs = 5_000,
): Promise<boolean> {
  if ((await probe(identity)) !== 'ours') return true;
  signalGroup(identity.pid, 'SIGTERM');
  if (await waitGone(identity, graceMs)) return true;
  signalGroup(identity.pid, 'SIGKILL');
  return waitGone(identity, killWaitMs);
}

async function waitGone(identity: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await probe(identity)) !== 'ours') return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

/**
 * Pids of this user's live processes whose environment holds `name=value` (inherited by everything the
 * agent starts unless a child scrubs it), this process excepted. Empty without procfs. Read-only.
 */
export async function processesMarked(name: string, value: string): Promise<number[]> {
  if (!(await hasProcfs())) return [];
  const needle = Buffer.from(`${name}=${value}\0`);
  const inside = Buffer.concat([Buffer.from([0]), needle]);
  const names = await readdir('/proc').catch(() => [] as string[]);
  const found: number[] = [];
  for (const entry of names) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || !isSignallablePid(pid)) continue;
    // Other users' environments are unreadable (EACCES); a zombie's is empty.
    const environ = await readFile(`/proc/${pid}/environ`).catch(() => null);
    if (environ === null) continue;
    if (environ.subarray(0, needle.length).equals(needle) || environ.includes(inside)) found.push(pid);
  }
  return found;
}

/**
 * Ends every process marked `name=value` (see `processesMarked`): SIGTERM, SIGKILL after `graceMs` to
 * those left, then waits up to `killWaitMs`. Resolves with the pids still there (normally none).
 */
export async function endMarked(
  name: string,
  value: string,
  graceMs: number,
  killWaitMs = 5_000,
): Promise<number[]> {
  const signalAll = (pids: number[], signal: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone meanwhile.
      }
    }
  };
  const settled = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let pids = await processesMarked(name, value);
    while (pids.length > 0 && Date.now() < deadline) {
      await sleep(POLL_MS);
      pids = await processesMarked(name, value);
    }
    return pids;
  };
  let left = await processesMarked(name, value);
  if (left.length === 0) return left;
  signalAll(left, 'SIGTERM');
  left = await settled(graceMs);
  if (left.length === 0) return left;
  signalAll(left, 'SIGKILL');
  left = await settled(killWaitMs);
  return left;
}
