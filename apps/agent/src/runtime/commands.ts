import {
  type AgentCommand,
  type AgentCommandKind,
  type AgentCommandOf,
  cutToCodeUnits,
} from '@podpilot/common';
import type { HubConnection } from '../hub/hub-connection.js';
import type { Acknowledgement, AgentState } from './agent-state.js';
import { runSyncCommand } from './output-sync.js';
import { runSnapshotCommand } from './snapshot-command.js';
import type { Say } from './terminal.js';

/** What command handlers act on. */
export interface CommandContext {
  state: AgentState;
  hub: HubConnection;
  say: Say;
  /** Aborting it stops the agent; its signal cancels long commands. */
  stop: Pick<AbortController, 'signal' | 'abort'>;
}

/** One kind's handler: resolves with the acknowledgement's result. */
interface CommandHandler<K extends AgentCommandKind> {
  /** Runs beside the heartbeats (it may take minutes) instead of before the reply's next command. */
  background: boolean;
  run(command: AgentCommandOf<K>, context: CommandContext): Promise<Omit<Acknowledgement, 'id'>>;
}

/** Every command kind and what the agent does for it. Add a kind to the protocol, then here. */
export const COMMANDS: { [K in AgentCommandKind]: CommandHandler<K> } = {
  // The hub's final sync before a stop, or the owner's button: ok once nothing waits for upload.
  'sync-now': { background: true, run: (command, { state }) => runSyncCommand(state.sync, command.args) },
  // Hashing unknown models may take minutes.
  snapshot: {
    background: true,
    run: (command, { hub, state, say, stop }) =>
      runSnapshotCommand(hub, command, state.snapshotContext, say, stop.signal),
  },
  'stop-webui': {
    background: false,
    run: async (_command, { state }) => {
      await state.supervisor?.stop();
      return { ok: true };
    },
  },
  shutdown: {
    background: false,
    run: async (_command, { stop }) => {
      stop.abort();
      return { ok: true };
    },
  },
};

/**
 * Runs the commands of heartbeat replies through {@link COMMANDS}. Idempotent per command id (the hub
 * repeats a command until it is acknowledged); each result, failures included, is queued on the state for
 * the next heartbeat.
 */
export class CommandRunner {
  private readonly seen = new Set<string>();

  constructor(private readonly context: CommandContext) {}

  /** Resolves once the command is done, or at once for a background one. Never throws. */
  async handle(command: AgentCommand): Promise<void> {
    if (this.seen.has(command.id)) return;
    this.seen.add(command.id);
    const handler = COMMANDS[command.kind];
    const done = run(command.kind, command, this.context)
      .catch((error: unknown) => ({
        ok: false,
        message: `${command.kind} failed: ${error instanceof Error ? error.message : String(error)}`,
      }))
      .then((result) => this.context.state.acknowledge({ id: command.id, ...fitted(result) }));
    if (!handler.background) await done;
  }
}

/** The protocol takes 2,000 characters of message: a longer one would make every later heartbeat refused. */
const fitted = (result: Omit<Acknowledgement, 'id'>) =>
  result.message === undefined ? result : { ...result, message: cutToCodeUnits(result.message, 2000) };

/** One command through its kind's handler (the kind passed apart, so TypeScript pairs the two). */
async function run<K extends AgentCommandKind>(
  kind: K,
  command: AgentCommandOf<K>,
  context: CommandContext,
): Promise<Omit<Acknowledgement, 'id'>> {
  const handler: CommandHandler<K> = COMMANDS[kind];
  return handler.run(command, context);
}
