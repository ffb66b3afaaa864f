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

/** The hub's own variables that no agent may inherit: its config and secrets (`PODPILOT_*`, database, cloud). */
const HUB_ONLY =
  /^(PODPILOT_.*|DATABASE_URL|PGPASSWORD|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)$/;

export interface AgentLaunch {
  /** The provider's root folder. */
  root: string;
  /** The agent's command line. */
  command: readonly [string, ...string[]];
  /** Extra environment for every agent: over the hub's own (minus its secrets), under the launch's. */
  env: Record<string, string>;
}

function agentEnv(launch: AgentLaunch, record: InstanceRecord): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !HUB_ONLY.test(name)) env[name] = value;
  }
  return {
    ...env,
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
