import type { RegisterResponse } from '@podpilot/common';
import type { AgentConfig } from '../env.js';
import type { HubConnection } from '../hub/hub-connection.js';
import type { AgentPaths } from './agent-paths.js';
import type { AgentState } from './agent-state.js';
import type { Heartbeat } from './heartbeat.js';
import type { LogBatcher } from './log-batcher.js';
import type { Terminal } from './terminal.js';

/** The profile version this instance runs. */
export type RunningProfile = NonNullable<RegisterResponse['profile']>;

/** The parts of one run of the agent: built by `runAgent`, shared by provisioning, serve and shutdown. */
export interface AgentRuntime {
  config: AgentConfig;
  paths: AgentPaths;
  hub: HubConnection;
  profile: RunningProfile;
  state: AgentState;
  terminal: Terminal;
  /** The agent's and the WebUI's log lines, sent to the hub in batches. */
  logs: LogBatcher;
  heartbeat: Heartbeat;
  /** Aborted by the caller's signal, the `shutdown` command or the dead-man switch. */
  stop: Pick<AbortController, 'signal' | 'abort'>;
}
