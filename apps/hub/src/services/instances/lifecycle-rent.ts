import type { InstanceState } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import { AuthError, NoCapacityError, NotYetTerminatedError, ProviderError } from '../../providers/errors.js';
import type { ComputeProvider, ProviderInstance } from '../../providers/provider.js';
import type { AgentCredentialsRepository } from '../../repositories/agent-credentials.repository.js';
import type {
  LaunchOffer,
  LifecycleRepository,
  LifecycleRow,
} from '../../repositories/lifecycle.repository.js';
import type { BootstrapTokens } from '../agents/bootstrap-tokens.js';

/** States of an instance whose rental never reached running: a relaunch may replace it. */
const NEVER_RAN: readonly InstanceState[] = ['requested', 'launching', 'booting'];
/** A relaunch rents the same GPU at up to this factor of the original offer's price. */
export const RELAUNCH_PRICE_FACTOR = 1.25;

/** What a launch rents besides the offer; kept on the row for a relaunch. */
export interface LaunchSpecRecord {
  image: string;
  /** The CUDA version the image needs of the host's driver (rows made before it was recorded: none). */
  minCuda?: string;
  diskGb: number;
  ports?: number[];
}

/** `relaunch k/n` for the relaunch about to be made. */
const relaunchLabel = (row: LifecycleRow) =>
  `relaunch ${row.relaunchesDone + 1}/${row.relaunchesDone + row.relaunchesLeft}`;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** What renting needs of the lifecycle service. */
export interface RenterOptions {
  hubUrl(): string;
  budget?: { get(): Promise<{ maxPricePerHour: number | null }> };
  /** Mints the per-launch Tailscale auth key (`TS_AUTHKEY`, `TS_HOSTNAME`); absent or `{}` without Tailscale. */
  tailscale?: { agentEnv(instanceId: string): Promise<Record<string, string>> };
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
 * Renting for the lifecycle: the rent loop (with a replacement offer when the first is taken), relaunches
 * of rentals that never ran, and attaching what a provider rented to its row. Used by LifecycleService.
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
    let offerId = firstOfferId;
    for (;;) {
      await this.credentials.revokeAll(id);
      // Minted before the rental (outside its error handling): a Tailscale outage is no unknown launch outcome.
      let tailscaleEnv: Record<string, string> = {};
      try {
        tailscaleEnv = (await this.options.tailscale?.agentEnv(id)) ?? {};
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        await this.rows.move(id, 'failed', 'tailscale auth key could not be minted', {
          reason: describe(error),
        });
        return;
      }
      const env = {
        PODPILOT_HUB_URL: this.options.hubUrl(),
        PODPILOT_BOOTSTRAP_TOKEN: await this.tokens.mint(id),
        PODPILOT_PROVIDER: provider.kind,
        PODPILOT_INSTANCE_ID: id,
        ...tailscaleEnv,
      };
      try {
        const rented = await provider.launch({
          instanceId: id,
          offerId,
          image: spec.image,
          ...(spec.minCuda ? { minCuda: spec.minCuda } : {}),
          env,
          diskGb: spec.diskGb,
          ports: spec.ports ?? [],
        });
        await this.attach(provider, id, rented, 'provider accepted the launch');
        return;
      } catch (error) {
        if (error instanceof NoCapacityError) {
          const next = await this.relaunchAfterNoCapacity(provider, id, offerId, describe(error));
          if (next) {
            offerId = next;
            continue;
          }
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
        return;
      }
    }
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
    let next: Awaited<ReturnType<LifecycleRenter['replacementOffer']>>;
    try {
      next = await this.replacementOffer(provider, offer, row.launchSpec?.minCuda);
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
   * Replaces a rental that never reached running (the provider reports it failed, or it never started):
   * when the row has a relaunch left, it goes back to `launching` (cause `relaunch k/n: <reason>`), the old
   * rental is destroyed, and once it is gone a replacement is rented under the same label. Returns false
   * when no relaunch is left (the caller fails the row as before).
   */
  async relaunch(
    provider: ComputeProvider,
    row: LifecycleRow,
    old: ProviderInstance,
    reason: string,
  ): Promise<boolean> {
    if (row.relaunchesLeft <= 0) return false;
    const known = row.offer ?? { id: 'unknown' };
    const offer: LaunchOffer = {
      ...known,
      gpuName: known.gpuName ?? old.gpuName,
      gpuCount: known.gpuCount ?? old.gpuCount,
      pricePerHour: known.pricePerHour ?? old.pricePerHour,
    };
    const started = await this.rows.startRelaunch(row.id, {
      from: NEVER_RAN,
      providerInstanceId: old.id,
      pending: reason,
      offer,
      cause: `${relaunchLabel(row)}: ${reason}; destroying ${provider.kind} instance ${old.id}`,
    });
    if (!started) return false;
    await this.continueRelaunch(provider, row.id);
    return true;
  }

  /**
   * Carries a pending relaunch on: destroys the old rental, and only once the provider no longer has it
   * rents a replacement offer (same label). Leaves it pending while the destroy is not finished; fails the
   * row when no replacement offer is found. Provider outages are thrown (the reconciler retries).
   */
  async continueRelaunch(provider: ComputeProvider, id: string): Promise<void> {
    const row = await this.rows.find(id);
    if (row?.state !== 'launching' || row.relaunchPending === null || row.providerInstanceId === null) return;
    const old = row.providerInstanceId;
    try {
      await provider.destroy(old);
    } catch (error) {
      if (!(error instanceof NotYetTerminatedError)) throw error;
    }
    const still = await provider.get(old);
    if (still && still.status !== 'gone') {
      await this.rows.event(id, 'info', 'relaunch-pending', `waiting for ${provider.kind} to destroy ${old}`);
      return;
    }
    const offer = row.offer ?? { id: 'unknown' };
    const next = await this.replacementOffer(provider, offer, row.launchSpec?.minCuda);
    if (!next) {
      await this.rows.move(id, 'failed', 'no replacement offer', {
        from: ['launching'],
        reason: `no replacement offer (${row.relaunchPending}); the instance was destroyed`,
      });
      return;
    }
    if (!(await this.rows.finishRelaunchDestroy(id, old, { ...next.offer, id: next.id }))) return;
    await this.rows.event(
      id,
      'info',
      'relaunch',
      `${provider.kind} instance ${old} is gone; renting ${next.id}`,
    );
    await this.rent(provider, id, next.id, row.launchSpec ?? { image: '', diskGb: 60 });
  }

  /**
   * The offer a relaunch rents: the same for `local`; otherwise the cheapest offer with the original GPU
   * name and count at most 1.25× the original price (and never above the budget's max $/h), never one tried
   * before, on a host whose driver runs the launched image (`minCuda`). Null when none (or the original
   * offer's GPU and price are unknown). Returns the offer record with `offer.id` added to `tried`.
   */
  private async replacementOffer(
    provider: ComputeProvider,
    offer: LaunchOffer,
    minCuda: string | undefined,
  ): Promise<{ id: string; offer: LaunchOffer } | null> {
    const tried = [...new Set([...(offer.tried ?? []), offer.id])];
    if (provider.kind === 'local') return { id: 'local', offer: { ...offer, tried } };
    if (!offer.gpuName || !offer.pricePerHour) return null;
    const budgetMax = (await this.options.budget?.get())?.maxPricePerHour ?? Number.POSITIVE_INFINITY;
    const offers = await provider.searchOffers({
      gpuName: offer.gpuName,
      ...(offer.gpuCount ? { gpuCount: offer.gpuCount } : {}),
      maxPricePerHour: Math.min(offer.pricePerHour * RELAUNCH_PRICE_FACTOR, budgetMax),
      ...(minCuda ? { minCuda } : {}),
      limit: 50,
    });
    const found = offers.find((o) => !tried.includes(o.id));
    return found ? { id: found.id, offer: { ...offer, tried } } : null;
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
