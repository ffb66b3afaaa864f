import { afterAll, beforeAll } from 'vitest';
import { tempDir } from '../../apps/agent/src/provision/test-support/git-repos.js';
import type { Db } from '../../apps/hub/src/db/db.js';
import { migrate } from '../../apps/hub/src/db/migrate.js';
import { openPglite } from '../../apps/hub/src/db/pglite.js';
import { appWithOwner, type TestHub } from '../../apps/hub/src/test-support/app.js';
import { agentHarness, waitUntil } from './agent-harness.js';

/** The in-process hub of a describe block: set in its `beforeAll`, closed in its `afterAll`. */
export interface AgentHubRef {
  hub: TestHub & { cookie: string };
  db: Db;
}

/**
 * For a describe block whose real agent processes talk to an in-process hub: a fresh PGlite database, a hub
 * with an owner, a temporary folder (`tmpPrefix`), and the agent harness on them; all of it (agents included)
 * ended after the block.
 */
export function useAgentHub(tmpPrefix: string) {
  const tmp = tempDir(tmpPrefix);
  const ref = {} as AgentHubRef;
  const harness = agentHarness(() => ref);
  beforeAll(async () => {
    ref.db = await openPglite();
    await migrate(ref.db);
    ref.hub = await appWithOwner(ref.db);
  });
  afterAll(async () => {
    harness.killAll();
    await ref.hub?.close();
    await ref.db?.close();
    tmp.cleanup();
  });
  /** Asks the instance's agent for a snapshot and waits until the hub stored it (all uploads settled). */
  async function snapshot(id: string) {
    const { commandId } = await ref.hub.services.snapshots.request(id, {});
    let stored: Awaited<ReturnType<typeof ref.hub.services.snapshots.list>> = [];
    await waitUntil(
      async () => {
        stored = await ref.hub.services.snapshots.list(id, commandId, 1);
        return stored[0]?.complete === true;
      },
      () => `no snapshot stored for command ${commandId}`,
      120_000,
    );
    return stored[0];
  }
  return { tmp, ref, snapshot, ...harness };
}
