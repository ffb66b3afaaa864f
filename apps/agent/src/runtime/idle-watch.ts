import type { ActivityFacts, HeartbeatResponse, UiKind } from '@podpilot/common';
import { ActivityMonitor } from '../activity/index.js';
import { DeadManSwitch, selfStopMethod } from '../deadman/index.js';

export interface IdleWatchOptions {
  uiKind: UiKind;
  port: number;
  webuiPid: () => number | null;
  /** Minutes without the hub before the dead-man switch may fire; 0 turns it off. */
  deadmanMinutes: number;
  /** The providers' API base URLs for the self-stop (tests point them at fakes). */
  providerUrls: { vastai?: string; runpod?: string };
  finalSync: () => Promise<{ ok: boolean; message: string }>;
  onEvent: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** The last resort of the dead-man switch: end the agent (the container's main process). */
  exit: () => void;
}

/** How often the dead-man switch looks. */
const DEADMAN_CHECK_MS = 30_000;
/** The hub's policy until its first reply says otherwise: the safe default. */
const DEFAULT_IDLE_MINUTES = 30;

/**
 * The agent's side of idle stopping: activity facts for every heartbeat (sampled in the background, so a
 * slow nvidia-smi or WebUI never delays a heartbeat: each carries the latest finished sample) and the
 * dead-man switch, which acts on its own when the hub has been out of reach for long and nothing works.
 */
export class IdleWatch {
  private readonly monitor: ActivityMonitor;
  private latest: ActivityFacts | undefined;
  private sampling: Promise<void> | null = null;
  private policy: HeartbeatResponse['idle'];
  private deadman: DeadManSwitch | null = null;
  private stopDeadman: () => void = () => {};

  constructor(private readonly options: IdleWatchOptions) {
    this.monitor = new ActivityMonitor({
      uiKind: options.uiKind,
      port: options.port,
      webuiPid: options.webuiPid,
    });
  }

  /** The latest activity facts (undefined before the first sample finished); starts the next sample. */
  facts(): ActivityFacts | undefined {
    this.sampling ??= this.monitor
      .sample()
      .then((facts) => {
        this.latest = facts;
      })
      .finally(() => {
        this.sampling = null;
      });
    return this.latest;
  }

  /** A new output file appeared (the output sync found it complete). */
  noteOutput(): void {
    this.monitor.noteOutput();
  }

  /** The hub answered a heartbeat: it is reachable, and its reply carries the idle policy in force. */
  answered(reply: HeartbeatResponse): void {
    if (reply.idle) this.policy = reply.idle;
    this.deadman?.hubContact();
  }

  /** Arms the dead-man switch (once the WebUI runs: provisioning is work, whatever the GPU shows). */
  armDeadman(): void {
    if (this.deadman || this.options.deadmanMinutes <= 0) return;
    this.deadman = new DeadManSwitch({
      afterMinutes: this.options.deadmanMinutes,
      idleMinutes: () => this.policy?.minutes ?? DEFAULT_IDLE_MINUTES,
      exempt: () => {
        const until = this.policy?.keepAwakeUntil;
        return (
          (this.policy?.disabled ?? false) ||
          (until !== null && until !== undefined && Date.parse(until) > Date.now())
        );
      },
      activity: async () => {
        await this.sampling;
        return this.latest ?? null;
      },
      finalSync: this.options.finalSync,
      selfStop: selfStopMethod(process.env, this.options.providerUrls),
      exit: () => this.options.exit(),
      onEvent: this.options.onEvent,
    });
    this.stopDeadman = this.deadman.start(DEADMAN_CHECK_MS);
  }

  close(): void {
    this.stopDeadman();
    this.monitor.close();
  }
}
