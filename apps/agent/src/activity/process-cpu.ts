import { readdir, readFile } from 'node:fs/promises';

// /proc/<pid>/stat counts in USER_HZ, which Linux fixes at 100 on every architecture the agent runs on
// (x86-64, arm64), whatever the kernel's internal tick rate.
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

/** Fields of /proc/<pid>/stat, or null when the process is gone. */
async function readStat(pid: number): Promise<ProcStat | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!text) return null;
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Field 3 (state) is fields[0]: ppid is field 4, utime..cstime are fields 14-17.
  const ppid = Number(fields[1]);
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return Number.isFinite(ppid) && Number.isFinite(ticks) ? { ppid, ticks } : null;
}

/**
 * CPU ticks of a process and all its descendants. The children's cumulative times (cutime, cstime) are
 * included so that a child that exits and is reaped moves its time to its parent instead of taking it away.
 */
async function treeTicks(rootPid: number): Promise<number | null> {
  const root = await readStat(rootPid);
  if (!root) return null;
  const pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  const stats = await Promise.all(pids.map(async (pid) => [pid, await readStat(pid)] as const));
  const statOf = new Map<number, ProcStat>();
  const children = new Map<number, number[]>();
  for (const [pid, stat] of stats) {
    if (!stat || pid === rootPid) continue;
    statOf.set(pid, stat);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  let ticks = root.ticks;
  const queue = [rootPid];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    for (const child of children.get(pid) ?? []) {
      ticks += statOf.get(child)?.ticks ?? 0;
      queue.push(child);
    }
  }
  return ticks;
}

export interface ProcessCpuOptions {
  /** Milliseconds clock. Default Date.now. */
  now?: () => number;
}

/** CPU use of a process tree (the WebUI and its children) between successive samples. */
export class ProcessCpu {
  private last: { pid: number; ticks: number; at: number } | null = null;
  private readonly now: () => number;

  /** @param rootPid The tree's root (the WebUI's pid), or null while there is none. */
  constructor(
    private readonly rootPid: () => number | null,
    options: ProcessCpuOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * % of one core the tree used since the previous sample (400 = four cores busy). null on the first
   * sample, after the root changed (a restarted WebUI), or when the pid is unknown or gone. Never throws.
   */
  async sample(): Promise<number | null> {
    const pid = this.rootPid();
    const ticks = pid === null ? null : await treeTicks(pid).catch(() => null);
    const at = this.now();
    const last = this.last;
    this.last = pid === null || ticks === null ? null : { pid, ticks, at };
    if (!last || last.pid !== pid || ticks === null || at <= last.at) return null;
    // A descendant that left the tree (re-parented to init) takes its ticks along: never below 0.
    const seconds = Math.max(0, ticks - last.ticks) / TICKS_PER_SECOND;
    return (seconds / ((at - last.at) / 1000)) * 100;
  }
}
