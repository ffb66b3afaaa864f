import type { AppDeps } from '../app.js';
import type { Db } from '../db/db.js';
import { FAKE_VAST_KEY, type FakeVastAi, startFakeVastAi } from '../providers/testing/fake-vastai.js';
import { appWithOwner, type TestHub } from './app.js';

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
  options: { offers?: number; timeoutMs?: number; deps?: Partial<AppDeps> } = {},
): Promise<LifecycleTestHub> {
  const offers = Array.from({ length: options.offers ?? 20 }, (_, i) => ({
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
