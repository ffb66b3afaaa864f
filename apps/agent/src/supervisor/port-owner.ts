/**
 * Who listens on the WebUI's port. A TCP connect only proves that *something* answers; on a machine that runs
 * several instances (the local provider) or other servers, that may be another program. Linux tells more:
 * `/proc/net/tcp(6)` lists the listening sockets with their inodes, and `/proc/<pid>/fd` links to
 * `socket:[inode]` for each socket a process holds. Elsewhere (no procfs) the owner cannot be told.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { probe } from './wait-for-port.js';

/** `ours`: only the UI's processes listen; `foreign`: some other process does; `unknown`: no procfs. */
export type PortOwner = { kind: 'ours' } | { kind: 'foreign'; holder: string } | { kind: 'unknown' };

const TCP_LISTEN = '0A';
const PROC_NET = ['/proc/net/tcp', '/proc/net/tcp6'];

/**
 * The inodes of the sockets listening on `port` (any address, IPv4 and IPv6), from /proc/net/tcp(6) text;
 * pure, for tests. Columns: sl, local `addr:port` (hex), remote, state, queues, timer, retransmits, uid,
 * timeout, inode.
 */
export function listeningInodes(tables: string[], port: number): string[] {
  const inodes: string[] = [];
  for (const text of tables) {
    for (const line of text.split(/\r?\n/)) {
      const fields = line.trim().split(/\s+/);
      const [, local, , state] = fields;
      const inode = fields[9];
      if (state !== TCP_LISTEN || !local || !inode || inode === '0') continue;
      const hexPort = local.slice(local.lastIndexOf(':') + 1);
      if (Number.parseInt(hexPort, 16) === port) inodes.push(inode);
    }
  }
  return inodes;
}

/** The listening sockets' inodes on `port`; null when no table can be read (no procfs). */
async function listenersOn(port: number): Promise<string[] | null> {
  const tables = await Promise.all(PROC_NET.map((f) => readFile(f, 'utf8').catch(() => null)));
  const read = tables.filter((t) => t !== null);
  return read.length === 0 ? null : listeningInodes(read, port);
}

interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  command: string;
}

/** Every process /proc shows (state, parent and group from `/proc/<pid>/stat`). */
async function processes(): Promise<ProcInfo[]> {
  const names = await readdir('/proc').catch(() => [] as string[]);
  const infos = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map(async (n) => {
        const stat = await readFile(`/proc/${n}/stat`, 'utf8').catch(() => null);
        if (stat === null) return null;
        // The command name (field 2) may hold spaces and parentheses: count fields after its closing ")".
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        return { pid: Number(n), ppid: Number(fields[1]), pgrp: Number(fields[2]), command };
      }),
  );
  return infos.filter((i) => i !== null);
}

/** The pids in the UI's process group, or below the UI in the process tree (a helper that left the group). */
function uiPids(all: ProcInfo[], leader: number): Set<number> {
  const parent = new Map(all.map((p) => [p.pid, p.ppid]));
  const ours = new Set<number>();
  for (const p of all) {
    if (p.pgrp === leader) {
      ours.add(p.pid);
      continue;
    }
    for (let pid = p.pid, hops = 0; pid > 1 && hops < 64; pid = parent.get(pid) ?? 0, hops++) {
      if (pid === leader) {
        ours.add(p.pid);
        break;
      }
    }
  }
  return ours;
}

/** The socket inodes `pid` holds (none when its fds cannot be read: another user's process). */
async function socketsOf(pid: number): Promise<Set<string>> {
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  const inodes = new Set<string>();
  for (const link of links) {
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match?.[1]) inodes.add(match[1]);
  }
  return inodes;
}

/** `pid 123 (python3)` for the process that holds one of `inodes`, or a plain description when none is readable. */
async function describeHolder(inodes: string[], all: ProcInfo[], exclude: Set<number>): Promise<string> {
  for (const p of all) {
    if (exclude.has(p.pid)) continue;
    const sockets = await socketsOf(p.pid);
    if (inodes.some((i) => sockets.has(i))) return `pid ${p.pid} (${p.command})`;
  }
  return 'a process this agent cannot see (another user, or another container)';
}

/**
 * Who listens on `port`: `ours` when every listening socket there is held by the process group led by
 * `leader` (or its descendants), `foreign` (naming the holder) when any is not, `unknown` without procfs or
 * when the tables show no listener at all (another network namespace: the caller's connect probe decides).
 * Read-only; never throws.
 */
export async function portOwner(port: number, leader: number): Promise<PortOwner> {
  const inodes = await listenersOn(port);
  if (inodes === null || inodes.length === 0) return { kind: 'unknown' };
  const all = await processes();
  const ours = uiPids(all, leader);
  const held = new Set<string>();
  for (const pid of ours) for (const inode of await socketsOf(pid)) held.add(inode);
  const foreign = inodes.filter((i) => !held.has(i));
  if (foreign.length === 0) return { kind: 'ours' };
  return { kind: 'foreign', holder: await describeHolder(foreign, all, ours) };
}

/**
 * Whether something already uses `port` before the UI starts: answers a connect on loopback, or holds a
 * listening socket on any address. Resolves with the holder's description, or null when the port is free.
 */
export async function portInUse(port: number): Promise<string | null> {
  const inodes = (await listenersOn(port)) ?? [];
  if (inodes.length > 0) return describeHolder(inodes, await processes(), new Set());
  return (await probe('127.0.0.1', port)) ? 'a process this agent cannot see' : null;
}
