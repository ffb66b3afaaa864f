import type { AppDeps } from '../app.js';
import type { Db } from '../db/db.js';
import {
  FAKE_VAST_KEY,
  type FakeVastAi,
  type FakeVastAiOptions,
  startFakeVastAi,
} from '../providers/test-support/fake-vastai.js';
import { appWithOwner, asOwner, type TestHub } from './app.js';

export const TEST_PROFILE_YAML = `name: tiny\nui: {kind: comfyui, ref: ${'a'.repeat(40)}}\n`;

export interface LifecycleTestHub {
  hub: TestHub & { cookie: string };
  fake: FakeVastAi;
  close(): Promise<void>;
}

/**
 * A hub whose Vast.ai provider is the fake (API key stored as a secret, short request timeout), with the
 * profile `tiny` applied. Final syncs are skipped and launches resolve at the reconciler's first pass
 * (`deps.lifecycle` settings are merged over these).
 */
export async function lifecycleHub(
  db: Db,
  options: {
    /** How many offers (ids from 100000, cheapest first), or the offers themselves. */
    offers?: number | FakeVastAiOptions['offers'];
    timeoutMs?: number;
    deps?: Partial<AppDeps>;
  } = {},
): Promise<LifecycleTestHub> {
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

/** An instance the owner launched on the fake and whose agent registered. */
export interface RegisteredAgent {
  id: string;
  /** Spent: kept to show it cannot be used twice. */
  bootstrap: string;
  /** The agent token (`Authorization: Bearer …` on `/agent/v1`). */
  token: string;
}

/**
 * Launches `profile` on the fake's offer `offerId` as the owner (idempotency key `key`) and registers its
 * agent with the bootstrap token from the rental. Throws, with the hub's answer, on any refusal.
 */
export async function launchAndRegister(
  t: LifecycleTestHub,
  profile: string,
  offerId: string,
  key: string,
): Promise<RegisteredAgent> {
  const launched = await t.hub.app.inject({
    method: 'POST',
    url: '/api/instances',
    headers: asOwner(t.hub.cookie),
    payload: { profile, provider: 'vastai', offerId, idempotencyKey: key },
  });
  if (launched.statusCode >= 300)
    throw new Error(`launch ${profile}: ${launched.statusCode} ${launched.body}`);
  const id = launched.json().id as string;
  const bootstrap = bootstrapTokenOf(t.fake, id);
  if (!bootstrap) throw new Error(`launch ${profile}: the rental carries no bootstrap token`);
  const reg = await t.hub.app.inject({
    method: 'POST',
    url: '/agent/v1/register',
    payload: { bootstrapToken: bootstrap, agentVersion: '0.1.0' },
  });
  if (reg.statusCode >= 300) throw new Error(`register ${id}: ${reg.statusCode} ${reg.body}`);
  return { id, bootstrap, token: reg.json().agentToken as string };
}
