import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentEvent } from '@podpilot/common';
import * as z from 'zod';

const SavedState = z.object({
  hubUrl: z.string(),
  instanceId: z.string(),
  agentToken: z.string(),
  /** base64 HMAC key of the hub's one-time WebUI links (RegisterResponse.webuiLinkKey); older files lack it. */
  webuiLinkKey: z.string().optional(),
  pendingEvents: z.array(AgentEvent).default([]),
});
export type SavedState = z.infer<typeof SavedState>;

/** Events kept while the hub is away; the oldest are dropped beyond this (with a warning event). */
export const MAX_PENDING_EVENTS = 5000;

/**
 * What the agent must not lose across its own restarts: the agent token (the bootstrap token is single-use,
 * so a restarted agent cannot register again) and the events the hub has not confirmed. One JSON file,
 * replaced atomically, readable by the agent's user only.
 */
export class AgentStateFile {
  /** Saves run one after another: concurrent saves on one temp file would rename it from under each other. */
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  async load(): Promise<SavedState | null> {
    try {
      return SavedState.parse(JSON.parse(await readFile(this.path, 'utf8')));
    } catch {
      return null;
    }
  }

  /** Replaces the file with `state`; concurrent calls are written in call order (the last one wins). */
  save(state: SavedState): Promise<void> {
    const next = this.last.catch(() => {}).then(() => this.write(state));
    this.last = next;
    return next;
  }

  private async write(state: SavedState): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.tmp`;
    await writeFile(
      tmp,
      JSON.stringify({ ...state, pendingEvents: state.pendingEvents.slice(-MAX_PENDING_EVENTS) }),
      {
        mode: 0o600,
      },
    );
    await rename(tmp, this.path);
  }
}
