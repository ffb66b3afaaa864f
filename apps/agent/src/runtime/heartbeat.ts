import { statfs } from 'node:fs/promises';
import type { AgentCommand } from '@podpilot/common';
import type { HubConnection } from '../hub/hub-connection.js';
import type { AgentState } from './agent-state.js';

/**
 * Sends the agent's state to the hub (now with {@link beat}, and every interval between {@link start} and
 * {@link stop}) and hands the commands of each reply to `onCommand`. A failed heartbeat is not an error: the
 * next one says the same, with the acknowledgements this one could not deliver.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  /** The last beat asked for (sent or waiting); the next one goes after it. */
  private tail: Promise<void> = Promise.resolve();
  /** A beat waiting for the one in flight, shared by every ask until it starts. */
  private queued: Promise<void> | null = null;

  constructor(
    private readonly hub: Pick<HubConnection, 'heartbeat'>,
    private readonly state: AgentState,
    /** Whose free space is reported. */
    private readonly workspace: string,
    private readonly onCommand: (command: AgentCommand) => Promise<void>,
  ) {}

  start(intervalSeconds: number): void {
    // Not unref'd: it keeps the agent alive even when nothing else does (a WebUI that gave up restarting).
    this.timer ??= setInterval(() => void this.beat(), intervalSeconds * 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * One heartbeat; never throws. Beats never overlap: a beat asked for while one is on its way is sent after it
   * (with the state as it is then), and asks meanwhile share that one. Two in flight could reach the hub in the
   * wrong order, and an older `provisioning` answered after a newer `ready` moves the instance back.
   */
  beat(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.tail.then(() => {
      this.queued = null; // from here on, a new ask waits for this beat and sends a fresher one
      return this.send();
    });
    this.queued = next;
    this.tail = next;
    return next;
  }

  private async send(): Promise<void> {
    const disk = await statfs(this.workspace).catch(() => null);
    const report = this.state.report(disk ? disk.bavail * disk.bsize : null);
    try {
      const reply = await this.hub.heartbeat(report);
      this.state.idleWatch?.answered(reply);
      for (const command of reply.commands) await this.onCommand(command);
    } catch {
      this.state.unsent(report); // the hub will hear about them next time
    }
  }
}
