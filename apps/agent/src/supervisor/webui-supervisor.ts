import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { backoffMs, sleep, type WebuiState } from '@podpilot/common';
import { type PortOwner, portInUse, portOwner } from './port-owner.js';
import { probe } from './wait-for-port.js';

export interface WebuiSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  port: number;
}

export interface SupervisorOptions {
  /** Each output line of the UI, for the log stream. */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  onState?: (state: WebuiState, detail?: string) => void;
  /** How long a start may take before the port answers (UIs load models at start: minutes). */
  startTimeoutMs?: number;
  /** Restarts after crashes before giving up (the counter resets after a run of `stableAfterMs`). */
  maxRestarts?: number;
  stableAfterMs?: number;
  /** SIGTERM, then SIGKILL after this long. */
  stopGraceMs?: number;
  /**
   * Where the running UI's pid is kept. An agent killed with SIGKILL cannot stop its UI; the next agent
   * finds the leftover here and stops it first (else it would hold the port and the new UI crash-loop).
   */
  pidFile?: string;
}

/**
 * When the process with this pid started (clock ticks since boot, /proc/<pid>/stat field 22), or null when
 * there is none. Unlike the command line it survives exec (a `python` shim execs the real interpreter), and
 * a recycled pid has another start time.
 */
async function startTimeOf(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing ")".
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the leader is gone. */
async function stopGroup(pid: number, graceMs: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) signal('SIGKILL');
  while (alive(pid)) await sleep(50);
}

/**
 * Runs the WebUI: starts it, streams its output, waits for its port, restarts it with backoff when it
 * crashes (bounded), and stops it cleanly. One process at a time; `start` and `stop` are idempotent.
 */
export class WebuiSupervisor {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  private currentState: WebuiState = 'not-started';
  private loop: Promise<void> | null = null;

  constructor(
    private readonly spec: WebuiSpec,
    private readonly options: SupervisorOptions = {},
  ) {}

  get state(): WebuiState {
    return this.currentState;
  }

  get restartCount(): number {
    return this.restarts;
  }

  /** The WebUI's process (the leader of its process group) while it runs, else null. */
  get pid(): number | null {
    const child = this.child;
    return child?.pid && child.exitCode === null && child.signalCode === null ? child.pid : null;
  }

  /** Starts the UI and resolves once its port answers; rejects when it never does or keeps crashing. */
  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    await this.stopLeftover();
    let firstReady: (() => void) | undefined;
    let firstFailed: ((error: Error) => void) | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      firstReady = resolve;
      firstFailed = reject;
    });
    this.loop = this.run(
      () => firstReady?.(),
      (error) => firstFailed?.(error),
    );
    await ready;
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. Idempotent. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      // The whole group: UIs start helpers of their own that must not outlive them.
      await stopGroup(child.pid, this.options.stopGraceMs ?? 10_000);
    }
    await this.loop?.catch(() => {});
    if (this.options.pidFile) await rm(this.options.pidFile, { force: true });
    this.loop = null;
    this.setState('stopped');
  }

  /** Stops a UI that an earlier agent (killed before it could) left running, when it is still that UI. */
  private async stopLeftover(): Promise<void> {
    const file = this.options.pidFile;
    if (!file) return;
    const saved = await readFile(file, 'utf8').catch(() => null);
    if (!saved) return;
    const { pid, startTime } = JSON.parse(saved) as { pid: number; startTime: string };
    // A recycled pid belongs to some other program: only the same start time is ours.
    if ((await startTimeOf(pid)) === startTime) {
      this.options.onLine?.('stderr', `stopping the WebUI an earlier agent left running (pid ${pid})`);
      await stopGroup(pid, this.options.stopGraceMs ?? 10_000);
      // Its port is free once the last process holding it is gone (helpers may outlive the leader briefly):
      // wait for that (bounded), or the new UI fails to bind and counts a restart.
      const deadline = Date.now() + (this.options.stopGraceMs ?? 10_000);
      while (Date.now() < deadline && (await probe('127.0.0.1', this.spec.port))) await sleep(100);
    }
    await rm(file, { force: true });
  }

  private setState(state: WebuiState, detail?: string): void {
    this.currentState = state;
    this.options.onState?.(state, detail);
  }

  private async run(onReady: () => void, onFailed: (error: Error) => void): Promise<void> {
    const maxRestarts = this.options.maxRestarts ?? 5;
    let announced = false;
    for (let attempt = 0; !this.stopping; attempt++) {
      const startedAt = Date.now();
      const outcome = await this.runOnce(() => {
        this.setState('running');
        if (!announced) {
          announced = true;
          onReady();
        }
      });
      if (this.stopping) return;
      if ('clash' in outcome) {
        const error = new Error(
          `the WebUI port ${this.spec.port} is already in use by ${outcome.clash}; refusing to start the WebUI there`,
        );
        this.options.onLine?.('stderr', error.message);
        this.setState('crashed', error.message);
        // Before the first start there is nothing to wait for: say so now instead of waiting on someone else's server.
        if (!announced) return onFailed(error);
      } else {
        if (Date.now() - startedAt > (this.options.stableAfterMs ?? 300_000)) this.restarts = 0;
        this.setState('crashed', `exited with ${outcome.exit}`);
      }
      if (this.restarts >= maxRestarts) {
        const last = 'clash' in outcome ? `port ${this.spec.port} in use by ${outcome.clash}` : outcome.exit;
        const error = new Error(
          `the WebUI crashed ${this.restarts + 1} times (last exit: ${last}); giving up`,
        );
        if (!announced) onFailed(error);
        return;
      }
      this.restarts++;
      await sleep(backoffMs(attempt, { baseMs: 1000, capMs: 30_000 }));
    }
  }

  /**
   * One run of the UI: refuses a port something else already uses, starts the UI, calls `onUp` once the port
   * answers from the UI's own processes, and resolves with how the run ended: its exit, or the port's holder
   * when another program answers there (the UI is stopped then: it could never have the port).
   */
  private async runOnce(onUp: () => void): Promise<{ exit: string } | { clash: string }> {
    const holder = await portInUse(this.spec.port);
    if (holder !== null) return { clash: holder };
    if (this.stopping) return { exit: 'not started' };
    const exit = this.spawnOnce();
    const waiting = new AbortController();
    const owner = await Promise.race([this.waitOwnPort(waiting.signal), exit.then(() => null)]);
    waiting.abort();
    if (owner?.kind === 'foreign') {
      const pid = this.pid;
      if (pid !== null) await stopGroup(pid, this.options.stopGraceMs ?? 10_000);
      await exit;
      return { clash: owner.holder };
    }
    if (owner && !this.stopping) onUp();
    return { exit: await exit };
  }

  /**
   * Polls until the port answers and says who answers: `ours` (or `unknown` where procfs cannot tell) once the
   * UI's own process group listens there, `foreign` when another process does; null when `signal` aborts or
   * the start timeout passes first.
   */
  private async waitOwnPort(signal: AbortSignal): Promise<PortOwner | null> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 600_000);
    while (Date.now() < deadline && !signal.aborted) {
      const pid = this.pid;
      if (pid !== null && (await probe('127.0.0.1', this.spec.port))) {
        const owner = await portOwner(this.spec.port, pid);
        if (!signal.aborted) return owner;
      }
      await sleep(200, signal).catch(() => {});
    }
    return null;
  }

  /** Starts the process once; resolves with its exit code (or signal name) when it ends. */
  private spawnOnce(): Promise<string> {
    this.setState('starting');
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so stop() reaches the UI's own children too
    });
    this.child = child;
    const pidFile = this.options.pidFile;
    if (pidFile && child.pid) {
      const pid = child.pid;
      void startTimeOf(pid).then((startTime) =>
        startTime ? writeFile(pidFile, JSON.stringify({ pid, startTime })) : undefined,
      );
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: child[stream] });
      lines.on('line', (line) => this.options.onLine?.(stream, line));
    }
    return new Promise((resolve) => {
      child.once('error', (error) => resolve(`error: ${error.message}`));
      child.once('exit', (code, signal) => resolve(signal ?? String(code)));
    });
  }
}
