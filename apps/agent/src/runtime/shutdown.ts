import type { OutputSync } from '../sync/index.js';
import type { AgentRuntime } from './agent-runtime.js';
import { finalSync } from './output-sync.js';

/**
 * Ends a run, whatever state it reached: stops the heartbeat loop and the idle watch, lets a library
 * promotion finish (a stop aborts it), stops the WebUI, uploads what is left of the outputs, sends a last
 * heartbeat (phase `stopping`, or `failed` after {@link reportFailure}) and flushes logs and events.
 */
export async function shutdown(rt: AgentRuntime): Promise<void> {
  const { state, hub } = rt;
  rt.terminal.endDisplay();
  rt.heartbeat.stop();
  state.idleWatch?.close();
  await state.promotion;
  if (state.phase !== 'failed') state.phase = 'stopping';
  await state.supervisor?.stop();
  if (state.sync) await syncLastOutputs(rt, state.sync);
  await rt.heartbeat.beat();
  await rt.logs.close();
  await hub.flushEvents().catch(() => {});
  await hub.close();
}

/** Nothing generated may stay behind: uploads what is left (bounded), then says how it went. */
async function syncLastOutputs(rt: AgentRuntime, sync: OutputSync): Promise<void> {
  await rt.heartbeat.beat();
  const result = await finalSync(sync, rt.config.finalSyncSeconds * 1000);
  rt.terminal.say(`final output sync: ${result.message}`, result.ok ? 'info' : 'error');
  await rt.hub.event({
    level: result.ok ? 'info' : 'error',
    kind: result.ok ? 'sync.final' : 'sync.final-incomplete',
    message: result.message,
  });
  await sync.stop();
}

/** Provisioning or the WebUI's start failed: phase `failed`, told to the hub as an event and a heartbeat. */
export async function reportFailure(rt: AgentRuntime, error: unknown): Promise<void> {
  rt.state.phase = 'failed';
  const message = error instanceof Error ? error.message : String(error);
  rt.terminal.say(`failed: ${message}`, 'error');
  await rt.hub.event({ level: 'error', kind: 'agent.failed', message }).catch(() => {});
  await rt.heartbeat.beat();
}
