/**
 * Containers for the provider fakes: each "container" runs the real `docker/entrypoint.sh` as a process
 * group on this machine, with a folder per disk, so the Vast.ai and Runpod fakes can run what the hub
 * rented (fake-vastai-containers.ts, fake-runpod-containers.ts). Without one, the fakes only keep records.
 * Test code only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The folders of one container: `workspace` is mounted at /workspace, `disk` is the rest of its disk. */
export interface ContainerDirs {
  id: string;
  /** `<root>/<id>`: holds both disks and `container.log` (the entrypoint's output, every run). */
  dir: string;
  workspace: string;
  disk: string;
}

/**
 * A machine that runs containers by id. Every method may be called in any order: calls on one id run one
 * after another (a `run` after a `stop` waits for the stop). None throws: a container that cannot start
 * shows as one that exited.
 */
export interface ContainerRuntime {
  /** Starts container `id` with `env` (kept from its first run when omitted). No-op while it runs. */
  run(id: string, env?: Record<string, string>): void;
  /** `docker stop`: SIGTERM to the entrypoint, SIGKILL to the whole container after the grace period. Idempotent. */
  stop(id: string): Promise<void>;
  /** Every process of the container SIGKILLed at once (a crash, a host reboot). Idempotent. */
  kill(id: string): Promise<void>;
  /** A new container disk: `disk` emptied, and `workspace` too unless a volume keeps it. Call while stopped. */
  wipeContainerDisk(id: string, workspaceKept: boolean): Promise<void>;
  /** Killed, and every disk removed. Idempotent. */
  remove(id: string): Promise<void>;
  /** Called when a container's entrypoint exits without `stop`, `kill` or `remove` asking (read per exit). */
  onExit: ((id: string, code: number | null) => void) | undefined;
}

export interface EntrypointContainersOptions {
  /** Folder of every container's folders. */
  root: string;
  /** Path of `docker/entrypoint.sh`. */
  entrypoint: string;
  /** `PODPILOT_AGENT_CMD`: the agent's command line (the built CLI's `agent`). */
  agentCommand: string;
  /** The environment every container starts from (PATH, HOME…); the hub's variables go over it. */
  baseEnv: Record<string, string>;
  /** Prepares a container's first run (stub binaries…); returns variables over the hub's. */
  setup?: (dirs: ContainerDirs) => Record<string, string>;
  /** Between SIGTERM and SIGKILL on stop. Default 60 s (the agent's final sync runs in it). */
  stopGraceMs?: number;
}

/** Marks every process of a container (the agent hands it on to the WebUI: it strips only PODPILOT_*). */
const MARKER = 'FAKE_CONTAINER_ID';

interface Container {
  dirs: ContainerDirs;
  env: Record<string, string>;
  child: ChildProcess | null;
  /** Set while stop, kill or remove ends the container: its exit is not reported. */
  ending: boolean;
  exited: Promise<void>;
}

/** Containers as `bash docker/entrypoint.sh` process groups, one folder per container under `root`. */
export class EntrypointContainers implements ContainerRuntime {
  onExit: ((id: string, code: number | null) => void) | undefined;
  private readonly containers = new Map<string, Container>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private cutOff = 0;

  constructor(private readonly options: EntrypointContainersOptions) {}

  /** The next new container gets a hub URL nothing listens on (a wrong hub URL): its agent never registers. */
  cutOffNextContainer(): void {
    this.cutOff += 1;
  }

  /** The container's folders, or undefined when it never ran. */
  dirs(id: string): ContainerDirs | undefined {
    return this.containers.get(id)?.dirs;
  }

  /** Ids of the containers ever run (removed ones included). */
  ids(): string[] {
    return [...this.containers.keys()];
  }

  /** Whether the container's entrypoint runs. */
  running(id: string): boolean {
    const child = this.containers.get(id)?.child;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  /** Pids of every process of the container (entrypoint, tailscaled, agent, WebUI). */
  pids(id: string): number[] {
    const dir = this.containers.get(id)?.dirs.dir;
    return dir ? markedPids(`${MARKER}=${dir}`) : [];
  }

  run(id: string, env?: Record<string, string>): void {
    void this.queue(id, () => this.start(id, env));
  }

  stop(id: string): Promise<void> {
    return this.queue(id, () => this.end(id, 'SIGTERM'));
  }

  kill(id: string): Promise<void> {
    return this.queue(id, () => this.end(id, 'SIGKILL'));
  }

  wipeContainerDisk(id: string, workspaceKept: boolean): Promise<void> {
    return this.queue(id, async () => {
      const dirs = this.containers.get(id)?.dirs;
      if (!dirs) return;
      for (const dir of workspaceKept ? [dirs.disk] : [dirs.disk, dirs.workspace]) {
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
      }
    });
  }

  remove(id: string): Promise<void> {
    return this.queue(id, async () => {
      await this.end(id, 'SIGKILL');
      const dir = this.containers.get(id)?.dirs.dir;
      if (dir) await rm(dir, { recursive: true, force: true });
    });
  }

  /** Kills every container left (end of a test). */
  async close(): Promise<void> {
    await Promise.all(this.ids().map((id) => this.kill(id)));
  }

  private queue<T>(id: string, step: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(id) ?? Promise.resolve()).then(step, step);
    this.queues.set(
      id,
      next.catch(() => {}),
    );
    return next;
  }

  private async start(id: string, env: Record<string, string> | undefined): Promise<void> {
    let container = this.containers.get(id);
    if (container && this.running(id)) return;
    if (!container) {
      if (!env) return;
      const dir = join(this.options.root, id);
      const dirs = { id, dir, workspace: join(dir, 'workspace'), disk: join(dir, 'disk') };
      const cutOff = this.cutOff > 0;
      if (cutOff) this.cutOff -= 1;
      container = {
        dirs,
        env: { ...env, ...(cutOff ? { PODPILOT_HUB_URL: 'http://127.0.0.1:1' } : {}) },
        child: null,
        ending: false,
        exited: Promise.resolve(),
      };
      this.containers.set(id, container);
    }
    const { dirs } = container;
    for (const dir of [dirs.workspace, dirs.disk, join(dirs.disk, 'tmp')])
      mkdirSync(dir, { recursive: true });
    // Each container has the machine's ports to itself; here they share one loopback: a port of its own.
    container.env.PODPILOT_WEBUI_PORT ??= String(await containerPort());
    const extra = this.options.setup?.(dirs) ?? {};
    const log = openSync(join(dirs.dir, 'container.log'), 'a');
    const child = spawn('bash', [this.options.entrypoint], {
      cwd: dirs.workspace,
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...this.options.baseEnv,
        ...container.env,
        ...extra,
        PODPILOT_WORKSPACE: dirs.workspace,
        PODPILOT_AGENT_CMD: this.options.agentCommand,
        // The socket and anything else outside /workspace live on the container disk.
        PODPILOT_TS_RUN_DIR: join(dirs.disk, 'tailscale'),
        PODPILOT_TS_PROXY_PORT: String(await freePort()),
        PODPILOT_WEBUI_PORT: container.env.PODPILOT_WEBUI_PORT,
        TMPDIR: join(dirs.disk, 'tmp'),
        [MARKER]: dirs.dir,
      },
    });
    container.child = child;
    container.ending = false;
    const current = container;
    container.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        resolve();
        if (current.ending) return;
        // The container is gone with its entrypoint: nothing of it keeps running.
        void this.queue(id, () => killMarked(current.dirs.dir)).then(() => this.onExit?.(id, code));
      }),
    );
  }

  private async end(id: string, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const container = this.containers.get(id);
    if (!container) return;
    container.ending = true;
    const child = container.child;
    if (signal === 'SIGTERM' && child && this.running(id)) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.options.stopGraceMs ?? 60_000);
      });
      await Promise.race([container.exited, grace]);
      clearTimeout(timer);
    }
    await killMarked(container.dirs.dir);
    await container.exited;
  }
}

/** Pids whose environment holds `entry` (KEY=value). */
function markedPids(entry: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(entry)) pids.push(Number(name));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

/** SIGKILLs every process marked with the container and waits until none is left. */
async function killMarked(dir: string): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const pids = markedPids(`${MARKER}=${dir}`).filter((pid) => !isZombie(pid));
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const isZombie = (pid: number) => {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};

/** Next candidate of containerPort: below the ephemeral range, spread by pid so parallel test files differ. */
let nextContainerPort = 20_000 + (process.pid % 500) * 20;

/**
 * A port for a container's WebUI, free on every address right now and below the kernel's ephemeral range
 * (32768+): the containers share this machine's network, and the agents inside pick their own loopback
 * ports with port 0, which never hands out one of these, so the two cannot collide.
 */
export async function containerPort(): Promise<number> {
  for (;;) {
    const port = nextContainerPort++;
    if (nextContainerPort >= 32_000) nextContainerPort = 20_000;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
