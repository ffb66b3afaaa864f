import type { AgentPhase, HeartbeatRequest } from '@podpilot/common';
import { ProgressTracker } from '../provision/progress.js';
import type { WebuiSupervisor } from '../supervisor/webui-supervisor.js';
import type { OutputSync } from '../sync/index.js';
import type { IdleWatch } from './idle-watch.js';
import type { SnapshotContext } from './snapshot-command.js';

/** The agent's answer to one command, sent with the next heartbeat. */
export interface Acknowledgement {
  id: string;
  ok: boolean;
  message?: string;
}

/** What one heartbeat reports (the connection adds the agent's version and the time). */
export type HeartbeatFacts = Omit<HeartbeatRequest, 'agentVersion' | 'protocolVersion' | 'sentAt'>;

/**
 * The running agent in one object: what the heartbeat reports (phase, provisioning progress, the WebUI,
 * output sync, activity, acknowledgements), what commands act on and what shutdown stops. The parts are null
 * until `serve` starts them. (Not to be confused with `hub/agent-state.ts`, the token and events on disk.)
 */
export class AgentState {
  phase: AgentPhase = 'provisioning';
  readonly progress = new ProgressTracker();
  supervisor: WebuiSupervisor | null = null;
  /** The WebUI's port once known (the owner's "open WebUI" link). */
  webuiPort: number | undefined;
  sync: OutputSync | null = null;
  idleWatch: IdleWatch | null = null;
  /** Set once the WebUI runs: a snapshot before then is refused. */
  snapshotContext: SnapshotContext | null = null;
  /** Models going into the library while the WebUI runs; shutdown waits for it. */
  promotion: Promise<void> = Promise.resolve();
  private acknowledgements: Acknowledgement[] = [];

  /** Queues a command's result for the next heartbeat. */
  acknowledge(ack: Acknowledgement): void {
    this.acknowledgements.push(ack);
  }

  /**
   * The facts for a heartbeat, taking the queued acknowledgements with it: give them back with
   * {@link unsent} when the heartbeat fails.
   */
  report(diskFreeBytes: number | null): HeartbeatFacts {
    const acknowledged = this.acknowledgements.splice(0);
    const activity = this.phase === 'ready' ? this.idleWatch?.facts() : undefined;
    return {
      phase: this.phase,
      provisioning: this.progress.snapshot(),
      webui: {
        state: this.supervisor?.state ?? 'not-started',
        restarts: this.supervisor?.restartCount ?? 0,
        ...(this.webuiPort ? { port: this.webuiPort } : {}),
      },
      diskFreeBytes,
      ...(this.sync ? { sync: this.sync.status() } : {}),
      ...(activity ? { activity } : {}),
      acknowledged,
    };
  }

  /** A heartbeat did not reach the hub: its acknowledgements go out with the next one. */
  unsent(report: HeartbeatFacts): void {
    this.acknowledgements.unshift(...(report.acknowledged ?? []));
  }
}
