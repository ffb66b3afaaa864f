import { expect } from 'vitest';
import type { Db } from '../db/db.js';
import { hubRequests, type OwnerHub, type RequestTarget } from './app.js';
import { insertInstance, latestProfileVersion } from './costs.js';

/** The commit every test profile pins its UI to. */
export const TEST_COMMIT = 'a'.repeat(40);

/** The smallest profile: a ComfyUI at `TEST_COMMIT`, then the YAML lines in `extra`. */
export const minimalProfile = (name: string, extra = '') =>
  `name: ${name}\nui: { kind: comfyui, ref: ${TEST_COMMIT} }\n${extra}`;

/** The WebUI of a heartbeat whose ComfyUI runs. */
export const RUNNING_WEBUI = { state: 'running', port: 8188, restarts: 0 } as const;

/** A heartbeat body: agent 0.1.0, sent now, phase `ready`, with `fields` added or replaced (valid or not). */
export const heartbeat = (fields: Record<string, unknown> = {}) => ({
  agentVersion: '0.1.0',
  sentAt: new Date().toISOString(),
  phase: 'ready',
  ...fields,
});

/** An instance and its agent: the bootstrap token (spent once registered) and the agent token. */
export interface RegisteredAgent {
  id: string;
  /** Spent: kept to show it cannot be used twice. */
  bootstrap: string;
  /** The agent token (`Authorization: Bearer …` on `/agent/v1`). */
  token: string;
}

/** Trades `bootstrapToken` for an agent token, expecting the hub to answer 200. */
export async function registerAgent(hub: RequestTarget, bootstrapToken: string, agentVersion = '0.1.0') {
  const res = await hubRequests(() => hub).register(bootstrapToken, agentVersion);
  expect(res.statusCode, `register: ${res.body}`).toBe(200);
  return res.json().agentToken as string;
}

export interface LocalInstanceOptions {
  /** The profile (default: `name`), applied first as `minimalProfile(profile, extra)`; null: no profile. */
  profile?: string | null;
  extra?: string;
}

/**
 * An instance row `name` in state `launching` on provider `local` (no provider is called) of the latest version
 * of its profile, and a bootstrap token minted for it: an instance whose agent is about to register.
 */
export async function localInstance(
  t: { db: Db; hub: OwnerHub },
  name: string,
  { profile = name, extra = '' }: LocalInstanceOptions = {},
): Promise<{ id: string; bootstrap: string }> {
  let profileVersionId: string | null = null;
  if (profile !== null) {
    const put = await hubRequests(() => t.hub).putProfile(profile, minimalProfile(profile, extra));
    expect(put.statusCode, `profile ${profile}: ${put.body}`).toBeLessThan(300);
    profileVersionId = await latestProfileVersion(t.db, profile);
  }
  const id = await insertInstance(t.db, {
    name,
    provider: 'local',
    state: 'launching',
    profileVersionId,
    transitions: [],
  });
  return { id, bootstrap: await t.hub.services.bootstrapTokens.mint(id) };
}

/** A `localInstance` whose agent registered (as `agentVersion`). */
export async function localAgent(
  t: { db: Db; hub: OwnerHub },
  name: string,
  options: LocalInstanceOptions & { agentVersion?: string } = {},
): Promise<RegisteredAgent> {
  const { id, bootstrap } = await localInstance(t, name, options);
  return { id, bootstrap, token: await registerAgent(t.hub, bootstrap, options.agentVersion) };
}
