import { type InstanceState, STATE_GROUPS, type WebuiAccess } from '@podpilot/common';
import type { Queryable } from '../../db/db.js';
import type { ProviderInstance } from '../../providers/provider.js';
import { type AccessRow, accessRows } from '../../repositories/instance-access.repository.js';

/** What the hub knows of an instance that decides its way in. */
export interface AccessFacts {
  id: string;
  provider: string;
  providerInstanceId: string | null;
  state: InstanceState;
  /** The WebUI's container port (the launch spec's first port). */
  uiPort: number | null;
  /** The port the agent reports its WebUI on (the local provider gives each instance its own). */
  reportedPort: number | null;
  /**
   * The instance's name in the tailnet: its MagicDNS name once the agent registered (`podpilot-<id>.<tailnet>.ts.net`),
   * before that the machine name (`podpilot-<id>`); null when it was launched without one.
   */
  tailnetHost: string | null;
}

/** States in which the instance's container exists, so its WebUI can be reached (once it runs). */
const CONTAINER_STATES: readonly InstanceState[] = STATE_GROUPS.live;

/** Looks up a rental's live record (Vast.ai: its public IP and mapped ports); null when unknown. */
export type ProviderInstanceLookup = (
  provider: string,
  providerInstanceId: string,
) => Promise<ProviderInstance | null>;

/**
 * The way into the WebUI from what the hub knows, null when the container is not there. `rental` is the
 * provider's live record, needed only for Vast.ai (its host IP and the host port it mapped the UI port to).
 */
export function webuiAccess(facts: AccessFacts, rental: ProviderInstance | null): WebuiAccess | null {
  if (!CONTAINER_STATES.includes(facts.state)) return null;
  if (facts.provider === 'local') {
    const port = facts.reportedPort ?? facts.uiPort;
    return { kind: 'local', url: port ? `http://127.0.0.1:${port}/` : null, ssh: null };
  }
  if (facts.tailnetHost)
    return {
      kind: 'tailnet',
      // A MagicDNS name: it resolves on the owner's own tailnet devices.
      url: facts.uiPort ? `http://${facts.tailnetHost}:${facts.uiPort}/` : null,
      ssh: `ssh root@${facts.tailnetHost}`,
    };
  return { kind: 'public', url: publicUrl(facts, rental), ssh: null };
}

/** The provider's public address of the UI port: Runpod's HTTP proxy, Vast.ai's host IP and mapped port. */
function publicUrl(facts: AccessFacts, rental: ProviderInstance | null): string | null {
  const { uiPort, providerInstanceId } = facts;
  if (!uiPort || !providerInstanceId) return null;
  if (facts.provider === 'runpod') return `https://${providerInstanceId}-${uiPort}.proxy.runpod.net/`;
  const hostPort = rental?.portMap?.[uiPort];
  return rental?.publicIp && hostPort ? `http://${rental.publicIp}:${hostPort}/` : null;
}

const CACHE_MS = 30_000;

/**
 * Computes `access` for instances: one query for the hub's facts, and for Vast.ai instances the provider's
 * live record (cached for 30 s per rental, so list views polled every second ask the provider rarely). A
 * provider that cannot be asked leaves the URL null; never throws for the provider.
 */
export class InstanceAccess {
  private readonly cache = new Map<string, { at: number; rental: ProviderInstance | null }>();

  constructor(
    private readonly db: Queryable,
    private readonly lookup: ProviderInstanceLookup | undefined,
    private readonly now: () => number,
  ) {}

  /** `access` by instance id for the given ids (missing ids are left out). */
  async of(ids: readonly string[]): Promise<Map<string, WebuiAccess | null>> {
    if (ids.length === 0) return new Map();
    const rows = await accessRows(this.db, ids);
    const entries = await Promise.all(
      rows.map(async (row) => {
        const facts = factsOf(row);
        return [row.id, webuiAccess(facts, await this.rental(facts))] as const;
      }),
    );
    return new Map(entries);
  }

  /** The live record where the address needs it (a Vast.ai instance reached publicly), else null. */
  private async rental(facts: AccessFacts): Promise<ProviderInstance | null> {
    const needed =
      facts.provider === 'vastai' && !facts.tailnetHost && CONTAINER_STATES.includes(facts.state);
    if (!needed || !facts.providerInstanceId || !this.lookup) return null;
    const key = `${facts.provider}:${facts.providerInstanceId}`;
    const cached = this.cache.get(key);
    // A record without the mapped port (still loading) is asked again next time.
    if (cached && this.now() - cached.at < CACHE_MS && cached.rental?.publicIp) return cached.rental;
    const rental = await this.lookup(facts.provider, facts.providerInstanceId).catch(() => null);
    this.cache.set(key, { at: this.now(), rental });
    return rental;
  }
}

function factsOf(row: AccessRow): AccessFacts {
  const uiPort = row.launchSpec?.ports?.[0] ?? null;
  return {
    id: row.id,
    provider: row.provider,
    providerInstanceId: row.providerInstanceId,
    state: row.state,
    uiPort,
    reportedPort: typeof row.reportedPort === 'number' ? row.reportedPort : null,
    tailnetHost: row.tailnetHost,
  };
}
