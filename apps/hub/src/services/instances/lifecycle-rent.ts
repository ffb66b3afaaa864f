import type { FastifyBaseLogger } from 'fastify';
import { AuthError, NoCapacityError, ProviderError } from '../../providers/errors.js';
import type { ComputeProvider, ProviderInstance } from '../../providers/provider.js';
import type { AgentCredentialsRepository } from '../../repositories/agent-credentials.repository.js';
import type { LaunchOffer, LifecycleRepository } from '../../repositories/lifecycle.repository.js';
import type { BootstrapTokens } from '../agents/bootstrap-tokens.js';
import { describe } from './lifecycle-common.js';
import { type RelaunchBudget, relaunchLabel, replacementOffer } from './relaunch-offer.js';

export { RELAUNCH_PRICE_FACTOR } from './relaunch-offer.js';

/** What a launch rents besides the offer; kept on the row for a relaunch. */
export interface LaunchSpecRecord {
  image: string;
  /** The CUDA version the image needs of the host's driver (rows made before it was recorded: none). */
  minCuda?: string;
  diskGb: number;
  ports?: number[];
}

/**
 * How the WebUI is reached, as the launch sends it: an agent in the tailnet (`TS_AUTHKEY`) publishes no port
 * at all (its WebUI is reached at its tailnet name); otherwise the UI port is published on the provider's
 * public address and the agent fronts it with its authenticating proxy (`PODPILOT_WEBUI_AUTH=link`; not on
 * `local`, whose WebUI stays on the hub's machine).
 */
export function webuiExposure(
  providerKind: string,
  env: Record<string, string>,
  ports: number[],
): { env: Record<string, string>; ports: number[] } {
  if (env.TS_AUTHKEY) return { env, ports: [] };
  if (providerKind === 'local') return { env, ports };
  return { env: { ...env, PODPILOT_WEBUI_AUTH: 'link' }, ports };
}

/** What renting needs of the lifecycle service. */
export interface RenterOptions {
  hubUrl(): string;
  budget?: RelaunchBudget;
  /**
   * Mints the per-rental Tailscale auth key (`TS_AUTHKEY`, `TS_HOSTNAME`) where the provider needs one;
   * absent or `{}` without Tailscale, and `{}` for a provider whose agents do not join the tailnet (local).
   */
  tailscale?: { agentEnv(instanceId: string, provider: string): Promise<Record<string, string>> };
}

export interface RenterDeps {
  rows: LifecycleRepository;
  credentials: AgentCredentialsRepository;
  tokens: BootstrapTokens;
  /** Gives the hub URL agents use, and the budget a replacement offer must respect. */
  options: RenterOptions;
  log: FastifyBaseLogger;
}

/**
 * Renting for the lifecycle: the rent loop (with a replacement offer when the first is taken) and attaching
 * what a provider rented to its row. Used by LifecycleService, LifecycleLauncher and LifecycleRelauncher.
 */
export class LifecycleRenter {
  private readonly rows: LifecycleRepository;
  private readonly credentials: AgentCredentialsRepository;
  private readonly tokens: BootstrapTokens;
  private readonly options: RenterOptions;
  private readonly log: FastifyBaseLogger;

  constructor(deps: RenterDeps) {
    this.rows = deps.rows;
    this.credentials = deps.credentials;
    this.tokens = deps.tokens;
    this.options = deps.options;
    this.log = deps.log;
  }

  /**
   * Rents `offerId` for a `launching` row with a fresh bootstrap token (earlier credentials of the instance
   * are revoked). When the offer is taken and a relaunch is left, rents a replacement offer instead; a
   * provider that cannot be reached leaves the row `launching` for the reconciler.
   */
  async rent(
    provider: ComputeProvider,
    id: string,
    firstOfferId: string,
    spec: LaunchSpecRecord,
  ): Promise<void> {
    let offerId: string | null = firstOfferId;
    while (offerId !== null) {
      await this.credentials.revokeAll(id);
      const env = await this.agentEnv(provider, id);
      if (!env) return;
      try {
        const rented = await provider.launch({
          instanceId: id,
          offerId,
          image: spec.image,
          ...(spec.minCuda ? { minCuda: spec.minCuda } : {}),
          ...webuiExposure(provider.kind, env, spec.ports ?? []),
          diskGb: spec.diskGb,
        });
        await this.attach(provider, id, rented, 'provider accepted the launch');
        return;
      } catch (error) {
        offerId = await this.afterLaunchError(provider, id, offerId, error);
      }
    }
  }

  /**
   * The agent's environment for one rental, with a fresh bootstrap token. Null when the Tailscale key could
   * not be minted: the row is failed then. Minted before the rental (outside its error handling), so a
   * Tailscale outage is no unknown launch outcome.
   */
  private async agentEnv(provider: ComputeProvider, id: string): Promise<Record<string, string> | null> {
    let tailscaleEnv: Record<string, string> = {};
    try {
      tailscaleEnv = (await this.options.tailscale?.agentEnv(id, provider.kind)) ?? {};
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      await this.rows.move(id, 'failed', 'tailscale auth key could not be minted', {
        reason: describe(error),
      });
      return null;
    }
    return {
      PODPILOT_HUB_URL: this.options.hubUrl(),
      PODPILOT_BOOTSTRAP_TOKEN: await this.tokens.mint(id),
      PODPILOT_PROVIDER: provider.kind,
      PODPILOT_INSTANCE_ID: id,
      ...tailscaleEnv,
    };
  }

  /**
   * Records what a failed launch call means and returns the offer to try next, if any: a taken offer is
   * replaced while a relaunch is left (else the row fails), a definite refusal fails the row, an unknown
   * outcome is left to the reconciler. Anything but a provider error is rethrown.
   */
  private async afterLaunchError(
    provider: ComputeProvider,
    id: string,
    offerId: string,
    error: unknown,
  ): Promise<string | null> {
    if (error instanceof NoCapacityError) {
      const next = await this.relaunchAfterNoCapacity(provider, id, offerId, describe(error));
      if (next) return next;
      await this.rows.move(id, 'failed', 'provider has no capacity', { reason: describe(error) });
    } else if (
      error instanceof AuthError ||
      (error instanceof ProviderError && error.name === 'ProviderError')
    ) {
      // A definite refusal (bad request): nothing was rented.
      await this.rows.move(id, 'failed', 'provider refused the launch', { reason: describe(error) });
    } else if (error instanceof ProviderError) {
      // Unknown outcome (5xx, timeout, 429, auth): the reconciler looks the label up and adopts or fails it.
      this.log.warn(
        { instanceId: id, err: describe(error) },
        'launch outcome unknown; left to the reconciler',
      );
      await this.rows.event(id, 'warn', 'launch-unknown', describe(error));
    } else {
      throw error;
    }
    return null;
  }

  /** The offer to rent instead of a taken one (one relaunch used), or null when none is left or found. */
  private async relaunchAfterNoCapacity(
    provider: ComputeProvider,
    id: string,
    takenOfferId: string,
    why: string,
  ): Promise<string | null> {
    const row = await this.rows.find(id);
    if (row?.state !== 'launching' || row.relaunchesLeft <= 0 || row.providerInstanceId !== null) return null;
    // The offer's GPU and price are known once something was rented for the instance (a relaunch); an offer
    // taken before the first launch is no longer shown by a search, so nothing similar can be chosen.
    const offer: LaunchOffer = { ...(row.offer ?? { id: takenOfferId }), id: takenOfferId };
    let next: Awaited<ReturnType<typeof replacementOffer>>;
    try {
      next = await replacementOffer(provider, offer, row.launchSpec, this.options.budget);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      next = null;
    }
    if (!next) {
      const known = offer.gpuName ? `no other ${offer.gpuName} offer` : "the taken offer's GPU is not known";
      await this.rows.event(id, 'warn', 'relaunch-skipped', `no replacement offer: ${known}`);
      return null;
    }
    const moved = await this.rows.startRelaunch(id, {
      from: ['launching'],
      providerInstanceId: null,
      pending: null,
      offer: { ...next.offer, id: next.id },
      cause: `${relaunchLabel(row)}: ${why}; renting offer ${next.id}`,
    });
    return moved ? next.id : null;
  }

  /**
   * Records a provider instance found for a launching row. When the row moved on meanwhile (failed by the
   * reconciler) or holds another rental, the found instance is a leak and is destroyed at once.
   */
  async attach(provider: ComputeProvider, id: string, found: ProviderInstance, cause: string): Promise<void> {
    const attached = await this.rows.attachProviderInstance(id, found.id, {
      pricePerHour: found.pricePerHour,
      gpuName: found.gpuName,
      gpuCount: found.gpuCount,
    });
    if (attached) {
      if (found.stoppedStoragePerHour) await this.rows.refreshPrice(id, null, found.stoppedStoragePerHour);
      await this.rows.event(id, 'info', 'rented', `${cause}: ${provider.kind} instance ${found.id}`);
      return;
    }
    await this.rows.event(
      id,
      'warn',
      'leak',
      `destroying ${provider.kind} instance ${found.id}: ${cause} too late`,
    );
    await provider.destroy(found.id).catch(() => {}); // the reconciler destroys it otherwise
  }
}
