// What the benchmarks' own hubs share: the app's settings, and instances made the way the e2e tests make
// them (a row in `instances` of a profile's latest version, plus a bootstrap token minted in-process).
import type { AppConfig, HubApp } from '../../apps/hub/src/app.js';
import type { Db } from '../../apps/hub/src/db/db.js';

export const BENCH_APP_CONFIG: AppConfig = {
  sessionTtlMs: 3_600_000,
  loginMaxPerMinute: 1000,
  webDir: '/nonexistent-web-build',
  publicUrl: undefined,
};

/** A new instance `name` of the latest version of `profile`, on the local provider, and its bootstrap token. */
export async function newBenchInstance(db: Db, hub: HubApp, name: string, profile: string) {
  const [row] = await db.query<{ id: string }>(
    `insert into instances (name, provider, state, profile_version_id)
     select $1, 'local', 'launching', v.id from profile_versions v join profiles p on p.id = v.profile_id
      where p.name = $2 order by v.version desc limit 1 returning id`,
    [name, profile],
  );
  if (!row) throw new Error(`no profile ${profile}`);
  return { id: row.id, bootstrap: await hub.services.bootstrapTokens.mint(row.id) };
}
