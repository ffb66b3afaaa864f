import type { InstanceState } from '@podpilot/common';
import type { Queryable } from '../db/db.js';

/** What decides an instance's way in, as stored: its rental, state, launch ports, agent facts, tailnet name. */
export interface AccessRow {
  id: string;
  provider: string;
  providerInstanceId: string | null;
  state: InstanceState;
  launchSpec: { ports?: number[] } | null;
  reportedPort: unknown;
  tailnetHost: string | null;
}

/** The access rows of the given instances, in one query (unknown ids are left out). */
export function accessRows(db: Queryable, ids: readonly string[]): Promise<AccessRow[]> {
  return db.query<AccessRow>(
    `select i.id::text as id, i.provider, i.provider_instance_id as "providerInstanceId", i.state,
            i.launch_spec as "launchSpec", i.agent_facts #> '{webui,port}' as "reportedPort",
            coalesce(t.device_name, t.hostname) as "tailnetHost"
       from instances i left join instance_tailscale t on t.instance_id = i.id
      where i.id::text = any($1::text[])`,
    [ids],
  );
}
