import type { AppDeps } from '../app.js';
import type { Db } from '../db/db.js';
import {
  FAKE_VAST_KEY,
  type FakeVastAi,
  type FakeVastAiOptions,
  startFakeVastAi,
} from '../providers/test-support/fake-vastai.js';
import { type RegisteredAgent, registerAgent, TEST_COMMIT } from './agents.js';
import { appWithOwner, hubRequests, type OwnerHub, useHubOn } from './app.js';

export type { RegisteredAgent } from './agents.js';

export const TEST_PROFILE_YAML = `name: tiny\nui: {kind: comfyui, ref: ${TEST_COMMIT}}\n`;

export interface LifecycleTestHub {
  hub: OwnerHub;
  fake: FakeVastAi;
  close(): Promise<void>;
}

export interface LifecycleHubOptions {
  /** How many offers (ids from 100000, cheapest first), or the offers themselves. */
  offers?: number | FakeVastAiOptions['offers'];
  timeoutMs?: number;
  deps?: Partial<AppDeps>;
}

/**
 * A hub whose Vast.ai provider is the fake (API key stored as a secret, short request timeout), with the
 * profile `tiny` applied. Final syncs are skipped and launches resolve at the reconciler's first pass
 * (`deps.lifecycle` settings are merged over these).
 */
export async function lifecycleHub(db: Db, options: LifecycleHubOptions = {}): Promise<LifecycleTestHub> {
  const offers = Array.isArray(options.offers)
    ? options.offers
    : Array.from({ length: options.offers ?? 20 }, (_, i) => ({
        id: 100_000 + i,
        dph_total: 0.3 + i / 10_000,
      }));
  const fake = await startFakeVastAi({ offers });
  const hub = await appWithOwner(
    db,
    {},
    {
      providers: { timeoutMs: options.timeoutMs ?? 2_000, defaultRetryAfterMs: 1 },
      ...options.deps,
      lifecycle: {
        vastaiUrl: fake.baseUrl,
        finalSyncMs: 0,
        launchTimeoutMs: 0,
        bootTimeoutMs: 3_600_000,
        ...options.deps?.lifecycle,
      },
    },
  );
  await hub.services.secrets.put('vastai.api_key', FAKE_VAST_KEY);
  await hub.services.profiles.apply('tiny', TEST_PROFILE_YAML);
  return {
    hub,
    fake,
    async close() {
      await hub.close();
      await fake.close();
    },
  };
}

/** The bootstrap token the hub put into the fake Vast.ai rental of instance `id` ('' when there is none). */
export function bootstrapTokenOf(fake: FakeVastAi, id: string): string {
  const rental = fake.instances().find((i) => i.label === `podpilot-${id}`);
  return (
    ((rental?.extra_env ?? []) as [string, string][]).find(([k]) => k === 'PODPILOT_BOOTSTRAP_TOKEN')?.[1] ??
    ''
  );
}

/** What the owner sends to launch on the fake: `profile` (default `tiny`) on offer `offerId`. */
export interface FakeLaunch {
  offerId: string | number;
  idempotencyKey: string;
  profile?: string;
  relaunch?: number;
}

/** The body of POST /api/instances for a launch on the fake Vast.ai. */
export const fakeLaunchBody = ({ profile = 'tiny', offerId, idempotencyKey, relaunch }: FakeLaunch) => ({
  profile,
  provider: 'vastai',
  offerId: String(offerId),
  idempotencyKey,
  relaunch,
});

/** POST /api/instances as the owner: a launch on the fake Vast.ai (the answer as it comes). */
export function launchOnFake(t: Pick<LifecycleTestHub, 'hub'>, launch: FakeLaunch) {
  return hubRequests(() => t.hub).owner('POST', '/api/instances', fakeLaunchBody(launch));
}

/** An instance the owner launched on the fake and whose agent registered; its rental's id at the provider. */
export interface LaunchedAgent extends RegisteredAgent {
  providerInstanceId: string;
}

/**
 * Launches `profile` on the fake's offer `offerId` as the owner (idempotency key `key`) and registers its
 * agent (as `agentVersion`) with the bootstrap token from the rental. Throws, with the hub's answer, on any
 * refusal.
 */
export async function launchAndRegister(
  t: Pick<LifecycleTestHub, 'hub' | 'fake'>,
  profile: string,
  offerId: string,
  key: string,
  agentVersion = '0.1.0',
): Promise<LaunchedAgent> {
  const launched = hubRequests(() => t.hub).ok(
    await launchOnFake(t, { profile, offerId, idempotencyKey: key }),
    `launch ${profile}`,
  );
  const { id, providerInstanceId } = launched.json() as { id: string; providerInstanceId: string };
  const bootstrap = bootstrapTokenOf(t.fake, id);
  if (!bootstrap) throw new Error(`launch ${profile}: the rental carries no bootstrap token`);
  return { id, providerInstanceId, bootstrap, token: await registerAgent(t.hub, bootstrap, agentVersion) };
}

/**
 * For one describe block: a fresh database from `open` and a `lifecycleHub` on it, both closed after the block.
 * Read `db`, `hub` and `fake` inside hooks and tests (they are set in `beforeAll`).
 */
export function useLifecycleHub(
  open: () => Promise<Db>,
  options: LifecycleHubOptions = {},
): { readonly db: Db; readonly hub: OwnerHub; readonly fake: FakeVastAi } {
  const started = useHubOn(open, (db) => lifecycleHub(db, options));
  return {
    get db() {
      return started.db;
    },
    get hub() {
      return started.hub.hub;
    },
    get fake() {
      return started.hub.fake;
    },
  };
}
