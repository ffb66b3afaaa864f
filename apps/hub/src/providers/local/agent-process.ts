import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { ProviderError } from '../errors.js';
import type { AgentDeath } from './agent-restarts.js';
import { ID, type InstanceRecord, logPath, message, workspaceDir } from './instance-record.js';
import { endMarked, identify, isSignallablePid, type ProcessIdentity, stopGroup } from './processes.js';

/** The provider kind named in errors raised here. */
const KIND = 'local';

/**
 * Set in every agent's environment to the instance's folder name. The WebUI inherits it (the agent strips
 * only `PODPILOT_*`), so stop and destroy find every process of the instance, also those whose agent
 * crashed, without touching anything else on the machine.
 */
export const LOCAL_INSTANCE_MARKER = 'LOCAL_PODPILOT_INSTANCE';

/**
 * The only variables an agent (and through it the WebUI and every custom node) takes from the hub's own
 * environment: what a program needs to run as this user on this machine (paths, locale, terminal), to reach
 * the network the way the hub does (proxies, extra CA certificates), to see the GPUs, and pip's own settings
 * (a mirror or a wheel folder). Everything else stays with the hub: its settings and secrets (`PODPILOT_*`,
 * `DATABASE_URL`, cloud keys) and whatever else the hub's shell happens to hold (`HF_TOKEN`, `AWS_*`, `GITHUB_TOKEN`…).
 * The launch's own variables (`PODPILOT_*` for the agent, the profile's env) are added on top.
 */
export const AGENT_ENV_ALLOWLIST: readonly RegExp[] = [
  /^(PATH|HOME|USER|LOGNAME|SHELL|TERM|COLORTERM|TZ|TMPDIR|LANG|LANGUAGE)$/,
  /^LC_[A-Z]+$/,
  /^(HTTP_PROXY|HTTPS_PROXY|NO_PROXY|ALL_PROXY|http_proxy|https_proxy|no_proxy|all_proxy)$/,
  /^(SSL_CERT_FILE|SSL_CERT_DIR|NODE_EXTRA_CA_CERTS|REQUESTS_CA_BUNDLE|NODE_OPTIONS)$/,
  /^(CUDA_VISIBLE_DEVICES|CUDA_HOME|CUDA_PATH|LD_LIBRARY_PATH|HIP_VISIBLE_DEVICES|ROCR_VISIBLE_DEVICES)$/,
  /^NVIDIA_[A-Z_]+$/,
  /^PIP_[A-Z_]+$/,
];

/** The part of `env` (the hub's environment) an agent may inherit: the names `AGENT_ENV_ALLOWLIST` lets through. */
export function inheritedEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && AGENT_ENV_ALLOWLIST.some((pattern) => pattern.test(name))) kept[name] = value;
  }
  return kept;
}

export interface AgentLaunch {
  /** The provider's root folder. */
  root: string;
  /** The agent's command line. */
  command: readonly [string, ...string[]];
  /** Extra environment for every agent: over what it inherits from the hub (`inheritedEnv`), under the launch's. */
  env: Record<string, string>;
}

function agentEnv(launch: AgentLaunch, record: InstanceRecord): Record<string, string> {
  return {
    ...inheritedEnv(),
    ...launch.env,
    ...record.env,
    PODPILOT_WORKSPACE: workspaceDir(launch.root, record.id),
    PODPILOT_PROVIDER: 'local',
    PODPILOT_PROVIDER_INSTANCE_ID: record.id,
    ...(record.webuiPort ? { PODPILOT_WEBUI_PORT: String(record.webuiPort) } : {}),
    [LOCAL_INSTANCE_MARKER]: record.id,
  };
}

/** A spawned agent: who it is, and how it ends (settles when it exits, while this hub runs). */
export interface SpawnedAgent {
  identity: ProcessIdentity;
  ended: Promise<AgentDeath>;
}

/** Starts the agent detached, output appended to `agent.log`; resolves once the process exists. */
export async function spawnAgent(launch: AgentLaunch, record: InstanceRecord): Promise<SpawnedAgent> {
  const [command, ...args] = launch.command;
  const workspace = workspaceDir(launch.root, record.id);
  await mkdir(workspace, { recursive: true, mode: 0o700 });
  const log = await open(logPath(launch.root, record.id), 'a', 0o600);
  let child: ChildProcess;
  let ended: Promise<AgentDeath> | undefined;
  try {
    child = spawn(command, args, {
      cwd: workspace,
      env: agentEnv(launch, record),
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => {
        // Listening from the first moment: an agent may die before the awaits below are done.
        ended = new Promise((exited) => child.once('exit', (code, signal) => exited({ code, signal })));
        resolve();
      });
      child.once('error', reject);
    });
  } catch (error) {
    throw new ProviderError(KIND, `cannot start the agent (${command}): ${message(error)}`, {
      cause: error,
    });
  } finally {
    await log.close();
  }
  child.on('error', () => {}); // a later error (a failed kill) must not crash the hub
  child.unref();
  const pid = child.pid;
  if (pid === undefined || !isSignallablePid(pid) || ended === undefined) {
    throw new ProviderError(KIND, `the agent started without a usable pid (${pid})`);
  }
  return { identity: await identify(pid), ended };
}

/**
 * Ends the agent's group (when the recorded process is still ours) and then every process marked with
 * the instance. Throws ProviderError when one survives SIGKILL.
 */
export async function endInstance(record: InstanceRecord | null, id: string, graceMs: number): Promise<void> {
  if (!ID.test(id)) return;
  if (record?.process && !(await stopGroup(record.process, graceMs))) {
    throw new ProviderError(KIND, `instance ${id}: the agent (pid ${record.process.pid}) survived SIGKILL`);
  }
  const left = await endMarked(LOCAL_INSTANCE_MARKER, id, Math.min(graceMs, 10_000));
  if (left.length > 0) {
    throw new ProviderError(KIND, `instance ${id}: processes ${left.join(', ')} survived SIGKILL`);
  }
}
