import { once } from 'node:events';
import type { AgentConfig } from '../env.js';
import { HubConnection } from '../hub/hub-connection.js';
import type { ProgressTracker } from '../provision/progress.js';
import { provision } from '../provision/provision.js';
import { agentPaths } from './agent-paths.js';
import type { AgentRuntime } from './agent-runtime.js';
import { AgentState } from './agent-state.js';
import { CommandRunner } from './commands.js';
import { Heartbeat } from './heartbeat.js';
import { LogBatcher } from './log-batcher.js';
import type { ProgressDisplay } from './progress-display.js';
import { serve } from './serve.js';
import { reportFailure, shutdown } from './shutdown.js';
import { Terminal } from './terminal.js';

export interface RunAgentOptions {
  /** Aborting stops the agent: the WebUI is stopped and a last heartbeat says so. */
  signal: AbortSignal;
  /** Human-readable progress lines (the terminal); each also goes to the hub's log with its level. */
  say?: (line: string) => void;
  /** A live view of provisioning progress (the terminal's); its `say` replaces `say` while it runs. */
  createDisplay?: (progress: ProgressTracker) => ProgressDisplay;
}

/**
 * The agent's whole job: register (or resume) → fetch the profile → provision checkouts, models and files →
 * start the WebUI → report ready → heartbeat until stopped. Resolves when `signal` aborts or the hub sends
 * `shutdown`; rejects when provisioning fails (after reporting it).
 */
export async function runAgent(config: AgentConfig, options: RunAgentOptions): Promise<void> {
  const terminal = new Terminal(options.say);
  const paths = agentPaths(config.workspace);
  const hub = hubConnection(config, paths.stateFile);
  const registered = await hub.connect(options.signal);
  const profile = registered?.profile ?? (await hub.profile(options.signal));
  if (!profile) throw new Error('the hub has no profile for this instance');
  const rt = assemble({ config, paths, hub, profile, terminal }, options);
  terminal.say(`instance ${hub.instanceId}: profile ${profile.name}@${profile.version}`);
  rt.heartbeat.start(registered?.heartbeatIntervalSeconds ?? 5);
  try {
    await rt.heartbeat.beat();
    const provisioned = await provision({
      profile,
      workspace: config.workspace,
      cacheDir: paths.cacheDir,
      hub,
      progress: rt.state.progress,
      say: terminal.say,
      signal: rt.stop.signal,
    });
    terminal.endDisplay();
    await serve(rt, provisioned);
    // A stop that came while starting up has already fired its event: do not wait for it a second time.
    if (!rt.stop.signal.aborted) await once(rt.stop.signal, 'abort');
  } catch (error) {
    if (!rt.stop.signal.aborted) {
      await reportFailure(rt, error);
      throw error;
    }
  } finally {
    await shutdown(rt);
  }
}

/** The connection to the hub of `config`, keeping its token and unsent events in `stateFile`. */
function hubConnection(config: AgentConfig, stateFile: string): HubConnection {
  return new HubConnection({
    hubUrl: config.hubUrl,
    bootstrapToken: config.bootstrapToken,
    stateFile,
    ...(config.provider ? { provider: config.provider } : {}),
    ...(config.hubProxy ? { proxy: config.hubProxy } : {}),
  });
}

/** The run's state, its heartbeat answering commands, its log batcher and its stop (the caller's, or ours). */
function assemble(
  base: Pick<AgentRuntime, 'config' | 'paths' | 'hub' | 'profile' | 'terminal'>,
  options: RunAgentOptions,
): AgentRuntime {
  const { config, hub, terminal } = base;
  const state = new AgentState();
  terminal.showDisplay(options.createDisplay?.(state.progress));
  const logs = new LogBatcher((lines) => hub.logs(lines));
  terminal.logTo((line, level) => logs.add('agent', line, level));
  const own = new AbortController();
  const stop = { signal: AbortSignal.any([options.signal, own.signal]), abort: () => own.abort() };
  const commands = new CommandRunner({ state, hub, say: terminal.say, stop });
  const heartbeat = new Heartbeat(hub, state, config.workspace, (command) => commands.handle(command));
  return { ...base, state, logs, heartbeat, stop };
}
