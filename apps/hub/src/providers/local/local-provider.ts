import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProviderError } from '../errors.js';
import {
  type LaunchSpec,
  labelFor,
  type Offer,
  type OfferRequirements,
  type ProviderInstance,
  type StoppableProvider,
} from '../provider.js';
import { type AgentLaunch, endInstance, LOCAL_INSTANCE_MARKER, spawnAgent } from './agent-process.js';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './agent-restarts.js';
import { AgentSupervisor } from './agent-supervisor.js';
import {
  claimFolder,
  errorCode,
  ID,
  type InstanceRecord,
  instanceDir,
  message,
  readAllRecords,
  readKnownRecord,
  readRecord,
  UnreadableRecord,
  workspaceDir,
  writeRecord,
} from './instance-record.js';
import { describeCurrent, LOCAL_OFFER, localOffers, unreadableInstance } from './local-status.js';
import { probe } from './processes.js';
import { SerialQueue } from './serial-queue.js';
import { pickWebuiPort, recordedPorts } from './webui-port.js';

export { LOCAL_INSTANCE_MARKER, LOCAL_OFFER };

/** The CLI the default command runs: `apps/cli/dist/main.js`, found from this file (src or dist alike). */
export const DEFAULT_AGENT_SCRIPT = fileURLToPath(new URL('../../../../cli/dist/main.js', import.meta.url));

export interface LocalProviderOptions {
  /** Folder holding one sub-folder per instance, normally `<PODPILOT_HOME>/local-instances`; made (0700) on first launch. */
  root: string;
  /**
   * The agent's command line, run in the instance's workspace. Default
   * `[process.execPath, DEFAULT_AGENT_SCRIPT, 'agent']` (the CLI must be built). Tests pass a small script.
   */
  command?: readonly [string, ...string[]];
  /** Extra environment for every agent: over what it inherits from the hub (`inheritedEnv`), under the launch's. */
  env?: Record<string, string>;
  /** How long stop and destroy wait after SIGTERM before SIGKILL. Default 30 s. */
  stopTimeoutMs?: number;
  /**
   * How an agent that dies on its own is started again, as the container entrypoint does; each field
   * defaults to `DEFAULT_RESTART_POLICY` (5 restarts within 10 min, waits of 1, 2, 4… s up to 30 s).
   */
  agentRestarts?: Partial<RestartPolicy>;
}

/**
 * Instances as agent processes on this machine, for the zero-set-up hub and the end-to-end tests: each
 * instance is a folder `<root>/<id>/` holding `instance.json`, `agent.log` and the agent's `workspace/`
 * (its "disk", kept while stopped). The agent runs detached in its own process group and outlives the hub;
 * a later hub (a new provider on the same root) reads the folders back, so the reconciler adopts them.
 *
 * The provider plays the container: an agent it spawned that dies on its own (a signal, a non-zero exit)
 * is started again in the same workspace, bounded by `agentRestarts` (see AgentSupervisor); a stop, a
 * destroy or exit 0 is final, and the agents a hub adopted are not restarted by it (it does not own them).
 *
 * Calls on one id are serialised within this provider object; two hubs on one root are not supported.
 * Nothing here talks to a network: AuthError and RateLimitedError never occur; failures of the file
 * system or of a spawn throw ProviderError. Pid reuse is caught on Linux (start time, boot id and command
 * line from procfs); elsewhere a live pid is taken for the agent, and leftovers are only found by group.
 */
export class LocalProvider implements StoppableProvider {
  readonly kind = 'local';
  readonly #root: string;
  readonly #defaultCommand: boolean;
  readonly #launch: AgentLaunch;
  readonly #stopTimeoutMs: number;
  readonly #queues = new SerialQueue();
  readonly #supervisor: AgentSupervisor;
  /** Starts and stops in progress (one at a time per id, by the queue), so `get` never shows them as exited. */
  readonly #transitions = new Map<string, 'starting' | 'stopping'>();
  /** WebUI ports handed out by this provider (before their records are written), by instance id. */
  readonly #ports = new Map<string, number>();

  constructor(options: LocalProviderOptions) {
    this.#root = resolve(options.root);
    this.#defaultCommand = options.command === undefined;
    this.#launch = {
      root: this.#root,
      command: options.command ?? [process.execPath, DEFAULT_AGENT_SCRIPT, 'agent'],
      env: { ...options.env },
    };
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
    this.#supervisor = new AgentSupervisor(
      { ...DEFAULT_RESTART_POLICY, ...options.agentRestarts },
      { root: this.#root, queues: this.#queues, run: (record) => this.#run(record) },
    );
  }

  /** This machine's one offer when it meets `requirements` (see `localOffers`). Read-only. */
  searchOffers(requirements: OfferRequirements = {}): Promise<Offer[]> {
    return localOffers(this.#root, requirements);
  }

  /**
   * Makes `<root>/<id>/` (`workspace/`, `instance.json` 0600, `agent.log`) and starts the agent there,
   * detached in its own process group; returns it `running` once the process exists (registration with the
   * hub comes later). The agent gets the allowlisted part of the hub's environment (`inheritedEnv`: paths,
   * locale, proxies, GPUs, pip; never the hub's settings or secrets), `env` from the options, `spec.env`,
   * then `PODPILOT_WORKSPACE`, `PODPILOT_PROVIDER=local`, `PODPILOT_PROVIDER_INSTANCE_ID` and
   * `PODPILOT_WEBUI_PORT` (a free loopback port of its own, kept across stop and start while it stays free).
   * `offerId`, `image`, `diskGb` and `ports` mean nothing here. Not idempotent (a new folder each call; see
   * ComputeProvider.launch). Throws ProviderError when the agent cannot be started (nothing is left behind).
   */
  async launch(spec: LaunchSpec): Promise<ProviderInstance> {
    if (this.#defaultCommand && !existsSync(DEFAULT_AGENT_SCRIPT)) {
      throw new ProviderError(this.kind, `the agent is not built: ${DEFAULT_AGENT_SCRIPT} is missing`);
    }
    const id = await claimFolder(this.#root, spec.instanceId);
    return this.#queues.run(id, async () => {
      const record: InstanceRecord = {
        version: 1,
        id,
        label: labelFor(spec.instanceId),
        env: { ...spec.env },
        createdAt: new Date().toISOString(),
        state: 'running',
        process: null,
        exit: null,
      };
      try {
        await mkdir(workspaceDir(this.#root, id), { mode: 0o700 });
        await writeRecord(this.#root, record);
        this.#supervisor.resetBudget(id);
        await this.#run(record);
        return await this.#describe(record);
      } catch (error) {
        this.#supervisor.forget(id);
        if (record.process) await this.#end(record).catch(() => {});
        await rm(instanceDir(this.#root, id), { recursive: true, force: true }).catch(() => {});
        throw error instanceof ProviderError
          ? error
          : new ProviderError(this.kind, `launch failed: ${message(error)}`, { cause: error });
      }
    });
  }

  /**
   * The instance, or null when no such folder exists. `running` while the recorded process is alive and is
   * still the one started (not a reused pid), while a stop ends it, or while its restart waits (rawStatus
   * `restarting (attempt n of N)…`); `starting` during a start; `stopped` after `stop`; `exited` when it
   * should run but the process is gone for good (restarts spent, exit 0, or not ours to restart: a hub
   * restarted since; `start` runs it again). See `describeInstance`. Read-only.
   */
  async get(id: string): Promise<ProviderInstance | null> {
    if (!ID.test(id)) return null;
    const read = await readRecord(this.#root, id);
    if (read === null) return null;
    return read instanceof UnreadableRecord ? unreadableInstance(read) : this.#describe(read);
  }

  /** Every instance folder under `root`, oldest first; an unreadable `instance.json` shows as `failed`. Read-only. */
  async list(): Promise<ProviderInstance[]> {
    const records = await readAllRecords(this.#root);
    return Promise.all(
      records.map((r) => (r instanceof UnreadableRecord ? unreadableInstance(r) : this.#describe(r))),
    );
  }

  /** The instance labelled `podpilot-<podpilotId>` (a running one first if, oddly, several), or null. Read-only. */
  async findByPodpilotId(podpilotId: string): Promise<ProviderInstance | null> {
    const rank = { running: 0, starting: 1, stopped: 2, exited: 3, failed: 4, gone: 5 } as const;
    const mine = (await this.list()).filter((instance) => instance.podpilotId === podpilotId);
    return mine.sort((a, b) => rank[a.status] - rank[b.status])[0] ?? null;
  }

  /**
   * Stops the agent and everything it started: SIGTERM to its process group, SIGKILL after `stopTimeoutMs`,
   * then the same for any process still marked with the instance (a WebUI in a group of its own, or left by
   * a crashed agent). Cancels a pending restart; the agent is never restarted after it. Blocks until they
   * are gone; the workspace is kept. Idempotent (a stopped or exited instance is just marked stopped).
   * Throws ProviderError for an unknown id or when a process survives SIGKILL.
   */
  async stop(id: string): Promise<void> {
    await this.#queues.run(id, async () => {
      const record = await readKnownRecord(this.#root, id);
      this.#supervisor.release(id);
      await this.#during(id, 'stopping', () => this.#end(record));
      record.state = 'stopped';
      record.process = null;
      await writeRecord(this.#root, record);
    });
  }

  /**
   * Runs the agent again in the same folder with the environment stored at launch (the agent resumes with
   * the token saved in its workspace; the bootstrap token is spent by then), with a fresh restart budget.
   * Works from `stopped` and `exited`, and during a pending restart (which it replaces); returns once the
   * process exists. Idempotent: nothing happens while the agent runs. Throws ProviderError for an unknown
   * id or when the agent cannot be started.
   */
  async start(id: string): Promise<void> {
    await this.#queues.run(id, async () => {
      const record = await readKnownRecord(this.#root, id);
      if (record.process && (await probe(record.process)) === 'ours') {
        if (record.state !== 'running') await writeRecord(this.#root, { ...record, state: 'running' });
        return;
      }
      this.#supervisor.release(id);
      this.#supervisor.resetBudget(id);
      await this.#during(id, 'starting', async () => {
        // Leftovers of a crashed agent (its WebUI) would hold the ports the new one needs.
        await this.#end(record);
        record.state = 'running';
        record.restarts = [];
        await this.#run(record);
      });
    });
  }

  /**
   * Stops the instance (as `stop`, blocking), then removes its folder, workspace included: the folder is
   * first renamed aside, so `get` answers null from then on even if the removal is cut short. Idempotent:
   * no error for an id already destroyed or never issued. Throws ProviderError when a process survives
   * SIGKILL (nothing is removed then) or the folder cannot be renamed.
   */
  async destroy(id: string): Promise<void> {
    if (!ID.test(id)) return;
    await this.#queues.run(id, async () => {
      this.#supervisor.forget(id);
      const read = await readRecord(this.#root, id);
      if (read === null) return;
      await this.#during(id, 'stopping', () => this.#end(read instanceof UnreadableRecord ? null : read, id));
      const trash = join(this.#root, `.destroyed-${id}-${randomBytes(4).toString('hex')}`);
      try {
        await rename(instanceDir(this.#root, id), trash);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return;
        throw new ProviderError(this.kind, `cannot remove instance ${id}: ${message(error)}`, {
          cause: error,
        });
      }
      this.#ports.delete(id);
      await rm(trash, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    });
  }

  /** The instance as `get` shows it, with what this provider saw of its agent's end (a pending restart). */
  #describe(record: InstanceRecord): Promise<ProviderInstance> {
    return describeCurrent(this.#root, record, (current) => {
      const pid = current.process?.pid;
      return {
        transition: this.#transitions.get(current.id),
        agentEnd: async () => (pid === undefined ? undefined : this.#supervisor.ended(current.id, pid)),
      };
    });
  }

  /** Runs `work` (a start or stop on the instance's turn) with the status saying so meanwhile. */
  async #during<T>(id: string, transition: 'starting' | 'stopping', work: () => Promise<T>): Promise<T> {
    this.#transitions.set(id, transition);
    try {
      return await work();
    } finally {
      this.#transitions.delete(id);
    }
  }

  /**
   * Starts the agent detached (output appended to `agent.log`, a WebUI port of its own: the one it had when
   * still free, else a new free one), records it on `record` and in `instance.json`, then watches it.
   */
  async #run(record: InstanceRecord): Promise<void> {
    const taken = await recordedPorts(this.#root, record.id);
    for (const [id, port] of this.#ports) if (id !== record.id) taken.add(port);
    record.webuiPort = await pickWebuiPort(record.webuiPort, taken).catch((error: unknown) => {
      throw new ProviderError(this.kind, `cannot pick a WebUI port: ${message(error)}`, { cause: error });
    });
    this.#ports.set(record.id, record.webuiPort);
    const { identity, ended } = await spawnAgent(this.#launch, record);
    record.process = identity;
    await writeRecord(this.#root, record);
    this.#supervisor.watch(record.id, identity.pid, ended);
  }

  /** Ends the agent and every process marked with the instance; throws when one survives SIGKILL. */
  #end(record: InstanceRecord | null, id = record?.id ?? ''): Promise<void> {
    return endInstance(record, id, this.#stopTimeoutMs);
  }
}
