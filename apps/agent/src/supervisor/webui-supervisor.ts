import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { backoffMs, sleep } from '../hub/backoff.js';
import { waitForPort } from './wait-for-port.js';

export type WebuiState = 'not-started' | 'starting' | 'running' | 'crashed' | 'stopped';

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

  /** Starts the UI and resolves once its port answers; rejects when it never does or keeps crashing. */
  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
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
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), this.options.stopGraceMs ?? 10_000);
      await exited;
      clearTimeout(killer);
    }
    await this.loop?.catch(() => {});
    this.loop = null;
    this.setState('stopped');
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
      const exit = this.spawnOnce();
      const up = await Promise.race([
        waitForPort('127.0.0.1', this.spec.port, this.options.startTimeoutMs ?? 600_000),
        exit.then(() => false),
      ]);
      if (up && !this.stopping) {
        this.setState('running');
        if (!announced) {
          announced = true;
          onReady();
        }
      }
      const code = await exit;
      if (this.stopping) return;
      if (Date.now() - startedAt > (this.options.stableAfterMs ?? 300_000)) this.restarts = 0;
      this.setState('crashed', `exited with ${code}`);
      if (this.restarts >= maxRestarts) {
        const error = new Error(
          `the WebUI crashed ${this.restarts + 1} times (last exit: ${code}); giving up`,
        );
        if (!announced) onFailed(error);
        return;
      }
      this.restarts++;
      await sleep(backoffMs(attempt, 1000, 30_000));
    }
  }

  /** Starts the process once; resolves with its exit code (or signal name) when it ends. */
  private spawnOnce(): Promise<string> {
    this.setState('starting');
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
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
