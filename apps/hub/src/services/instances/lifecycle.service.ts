import type { InstanceDetail, InstanceState, LaunchRequest, ProviderKind } from '@podpilot/common';
import { UI_KINDS, type UiKind } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import { iso } from '../../lib/dates.js';
import { conflict, HttpError, notFound } from '../../lib/http-error.js';
import { NoCapacityError, NotYetTerminatedError, ProviderError } from '../../providers/errors.js';
import {
  chooseVariant,
  DEFAULT_IMAGE_VARIANT,
  type ImageVariant,
  imageFor,
  VARIANT_MIN_CUDA,
} from '../../providers/image-variants.js';
import { type ComputeProvider, isStoppable, type ProviderInstance } from '../../providers/provider.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import { AgentCredentialsRepository } from '../../repositories/agent-credentials.repository.js';
import {
  findProfileVersion,
  LifecycleRepository,
  type LifecycleRow,
} from '../../repositories/lifecycle.repository.js';
import type { BootstrapTokens } from '../agents/bootstrap-tokens.js';
import type { OutputsService } from '../outputs/outputs.service.js';
import type { InstancesService } from './instances.service.js';
import { type LaunchSpecRecord, LifecycleRenter } from './lifecycle-rent.js';

export { RELAUNCH_PRICE_FACTOR } from './lifecycle-rent.js';

export interface LifecycleOptions {
  /** How long stop/destroy wait for the agent's final sync. */
  finalSyncMs: number;
  imagePrefix: string;
  /** One variant for every launch; unset: per offer, the newest its host's driver runs. */
  imageVariant?: ImageVariant;
  /** The hub URL agents use. */
  hubUrl: () => string;
  /** The owner's budgets, checked before a new rental (BudgetsService). */
  budget?: LaunchBudget;
  /** Per-launch Tailscale keys, and the agent's device removed when the instance ends. */
  tailscale?: {
    agentEnv(instanceId: string): Promise<Record<string, string>>;
    instanceEnded(instanceId: string): Promise<void>;
  };
}

/** What a launch asks of the budgets. */
export interface LaunchBudget {
  /** Throws 409 `budget_exceeded` when the month's cap is spent or the price is above the max $/h. */
  assertLaunchAllowed(pricePerHour: number | null): Promise<void>;
  get(): Promise<{ maxPricePerHour: number | null }>;
}

/** States in which an agent may be running and can answer a final sync. */
export const AGENT_STATES: readonly InstanceState[] = ['booting', 'provisioning', 'ready', 'idle'];
/** States with (possibly) a live rental that stop may act on. */
const STOPPABLE: readonly InstanceState[] = ['launching', ...AGENT_STATES];

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `name` or `name@version`. */
function parseProfileRef(ref: string): { name: string; version: number | null } {
  const at = ref.lastIndexOf('@');
  if (at <= 0) return { name: ref, version: null };
  const version = Number(ref.slice(at + 1));
  return { name: ref.slice(0, at), version: Number.isInteger(version) && version > 0 ? version : Number.NaN };
}

const badProfile = (message: string) =>
  new HttpError(400, 'invalid_request', `body.profile: ${message}`, [{ path: 'body.profile', message }]);

/**
 * The instance lifecycle: launch, stop, start, destroy. Every state change is recorded with its cause;
 * the database is written before and after each provider call, never during one, and no provider call
 * runs inside a transaction. What a provider call leaves unresolved (an unknown outcome, a destroy not
 * finished yet) stays in a state the reconciler (jobs/reconciler.ts) picks up.
 */
export class LifecycleService {
  private readonly rows: LifecycleRepository;
  private readonly renter: LifecycleRenter;
  private readonly credentials: AgentCredentialsRepository;

  constructor(
    private readonly db: Db,
    private readonly providers: ProviderRegistry,
    private readonly instances: InstancesService,
    tokens: BootstrapTokens,
    private readonly outputs: OutputsService,
    private readonly options: LifecycleOptions,
    log: FastifyBaseLogger,
  ) {
    this.rows = new LifecycleRepository(db);
    this.credentials = new AgentCredentialsRepository(db);
    this.renter = new LifecycleRenter({
      rows: this.rows,
      credentials: this.credentials,
      tokens,
      options,
      log,
    });
  }

  /**
   * Launches a profile version. Idempotent per `idempotencyKey`: a repeat returns the existing instance
   * (`created: false`) without a second rental; when that instance's launch outcome is still unknown, the
   * repeat looks it up by label (read-only) and adopts what it finds. Throws 400 naming `profile` when the
   * profile or version is unknown, 409 when the provider is not configured. A provider that cannot be
   * reached leaves the instance `launching` (the reconciler resolves it); no capacity marks it `failed`.
   */
  async launch(req: LaunchRequest): Promise<{ instance: InstanceDetail; created: boolean }> {
    const ref = parseProfileRef(req.profile);
    if (Number.isNaN(ref.version)) throw badProfile(`expected name or name@version, got "${req.profile}"`);
    const version = await findProfileVersion(this.db, ref.name, ref.version);
    if (!version) throw badProfile(`no profile ${req.profile}`);
    if (req.provider !== 'local' && !req.offerId)
      throw new HttpError(400, 'invalid_request', 'body.offerId: expected an offer id (GET /api/offers)', [
        { path: 'body.offerId', message: 'expected an offer id (GET /api/offers)' },
      ]);
    const provider = await this.provider(req.provider);
    const offerId = req.offerId ?? 'local';
    // A retried launch returns its instance whatever the budget or the offer say now; only a new rental is
    // checked (its launch spec is the one stored with the first request).
    const retry = (await this.rows.findByIdempotencyKey(req.idempotencyKey)) !== null;
    if (!retry) await this.checkBudget(provider, offerId);
    const spec = version.spec as { ui: { kind: UiKind }; idle?: unknown };
    const ui = UI_KINDS[spec.ui.kind];
    const variant = retry ? DEFAULT_IMAGE_VARIANT : this.imageVariant(req.provider, offerId);
    const launchSpec: LaunchSpecRecord = {
      image: imageFor(this.options.imagePrefix, spec.ui.kind, variant),
      minCuda: VARIANT_MIN_CUDA[variant],
      diskGb: req.diskGb,
      ports: ui ? [ui.port] : [],
    };
    const { row, created } = await this.rows.insertRequested(
      {
        name: req.name ?? `${version.name}-${Math.random().toString(16).slice(2, 8)}`,
        provider: req.provider,
        idempotencyKey: req.idempotencyKey,
        profileVersionId: version.id,
        offer: { id: offerId },
        launchSpec,
        idlePolicy: spec.idle ?? null,
        relaunchesLeft: req.relaunch,
      },
      `launch requested (profile ${version.name}@${version.version})`,
    );
    if (!created) {
      if (row.state === 'launching' && row.providerInstanceId === null)
        await this.adoptByLabel(provider, row);
      return { instance: await this.instances.get(row.id), created };
    }
    await this.rows.move(row.id, 'launching', `calling ${req.provider} to rent offer ${offerId}`);
    await this.renter.rent(provider, row.id, offerId, launchSpec);
    return { instance: await this.instances.get(row.id), created };
  }

  /**
   * Replaces a rental that never reached running (the provider reports it failed, or it never started):
   * when the row has a relaunch left, it goes back to `launching` (cause `relaunch k/n: <reason>`), the old
   * rental is destroyed, and once it is gone a replacement is rented under the same label. Returns false
   * when no relaunch is left (the caller fails the row as before).
   */
  relaunch(
    provider: ComputeProvider,
    row: LifecycleRow,
    old: ProviderInstance,
    reason: string,
  ): Promise<boolean> {
    return this.renter.relaunch(provider, row, old, reason);
  }

  /**
   * Carries a pending relaunch on: destroys the old rental, and only once the provider no longer has it
   * rents a replacement offer (same label). Leaves it pending while the destroy is not finished; fails the
   * row when no replacement offer is found. Provider outages are thrown (the reconciler retries).
   */
  continueRelaunch(provider: ComputeProvider, id: string): Promise<void> {
    return this.renter.continueRelaunch(provider, id);
  }

  /**
   * Stops a running instance: final output sync (bounded), `stopping`, provider stop, `stopped`. A provider
   * failure leaves it `stopping` with desired state `stopped` (the reconciler retries). 409 when the
   * provider cannot stop instances or the instance is not running. `why` starts the recorded cause.
   */
  async stop(id: string, why = 'stop requested'): Promise<InstanceDetail> {
    const row = await this.require(id);
    if (row.state === 'stopped' || row.state === 'stopping') return this.instances.get(id);
    if (!STOPPABLE.includes(row.state) || !row.providerInstanceId)
      throw conflict(`instance ${id} is ${row.state}: only a running instance can be stopped`);
    const provider = await this.provider(row.provider as ProviderKind);
    if (!isStoppable(provider)) throw conflict(`${row.provider} cannot stop instances: destroy it instead`);
    const sync = await this.finalSync(row);
    if (
      !(await this.rows.move(id, 'stopping', `${why} (${sync})`, {
        from: STOPPABLE,
        desired: 'stopped',
      }))
    )
      return this.instances.get(id);
    try {
      await provider.stop(row.providerInstanceId);
      await this.rows.move(id, 'stopped', 'provider stopped the instance', { from: ['stopping'] });
      await this.options.tailscale?.instanceEnded(id);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      await this.rows.event(id, 'warn', 'stop-failed', `stop will be retried: ${describe(error)}`);
    }
    return this.instances.get(id);
  }

  /**
   * The hub's own stop (idle, budget): `stop` when asked and the provider can stop instances, else `destroy`
   * (billing must end either way). Both run the final output sync first. Returns what was done.
   */
  async halt(id: string, action: 'stop' | 'destroy', why: string): Promise<'stop' | 'destroy'> {
    const row = await this.require(id);
    const canStop = isStoppable(await this.provider(row.provider as ProviderKind));
    if (action === 'stop' && canStop) {
      await this.stop(id, why);
      return 'stop';
    }
    await this.destroy(id, why);
    return 'destroy';
  }

  /** Starts a stopped instance again (`booting` until its agent reports). 409 when not stopped or no GPU. */
  async start(id: string): Promise<InstanceDetail> {
    const row = await this.require(id);
    if (row.state !== 'stopped' || !row.providerInstanceId)
      throw conflict(`instance ${id} is ${row.state}: only a stopped instance can be started`);
    const provider = await this.provider(row.provider as ProviderKind);
    if (!isStoppable(provider)) throw conflict(`${row.provider} cannot start instances`);
    try {
      await provider.start(row.providerInstanceId);
    } catch (error) {
      if (error instanceof NoCapacityError)
        throw conflict(`${describe(error)}; destroy the instance and launch elsewhere`);
      throw error;
    }
    await this.rows.move(id, 'booting', 'start requested; provider started the instance', {
      from: ['stopped'],
      desired: 'running',
    });
    return this.instances.get(id);
  }

  /**
   * Destroys the instance for good: final sync when an agent runs, `stopping`, provider destroy, `destroyed`.
   * When the provider has not finished (NotYetTerminatedError, outage) it stays `stopping` with desired
   * state `destroyed` and the reconciler finishes it. Destroying a destroyed instance is a no-op.
   * `why` starts the recorded cause.
   */
  async destroy(id: string, why = 'destroy requested'): Promise<InstanceDetail> {
    const row = await this.require(id);
    if (row.state === 'destroyed') return this.instances.get(id);
    const sync = AGENT_STATES.includes(row.state) ? await this.finalSync(row) : 'no agent running';
    await this.rows.setDesired(id, 'destroyed');
    await this.rows.move(id, 'stopping', `${why} (${sync})`, { desired: 'destroyed' });
    await this.finishDestroy(id);
    return this.instances.get(id);
  }

  /**
   * Completes a destroy of a `stopping` row: destroys its provider instance (found by label when its id was
   * never recorded) and marks it `destroyed`. Provider failures are swallowed (logged as events): the row
   * stays `stopping` for the next try. Used by destroy and by the reconciler.
   */
  async finishDestroy(id: string): Promise<void> {
    const row = await this.require(id);
    if (row.state !== 'stopping' || row.desiredState !== 'destroyed') return;
    try {
      const provider = await this.provider(row.provider as ProviderKind);
      const target = row.providerInstanceId ?? (await provider.findByPodpilotId(id))?.id ?? null;
      if (target) await provider.destroy(target);
      await this.rows.move(
        id,
        'destroyed',
        target ? 'provider destroyed the instance' : 'nothing was rented',
        {
          from: ['stopping'],
        },
      );
      await this.credentials.revokeAll(id); // the agent's token dies with its instance
      await this.options.tailscale?.instanceEnded(id);
    } catch (error) {
      if (!(error instanceof ProviderError) && !(error instanceof HttpError)) throw error;
      const kind = error instanceof NotYetTerminatedError ? 'destroy-pending' : 'destroy-failed';
      await this.rows.event(id, 'warn', kind, `destroy will be retried: ${describe(error)}`);
    }
  }

  /** Every state change of the instance, oldest first. 404 when unknown. */
  async transitions(id: string) {
    await this.require(id);
    return (await this.rows.transitions(id)).map((t) => ({ ...t, at: iso(t.at) }));
  }

  /**
   * Records a provider instance found for a launching row. When the row moved on meanwhile (failed by the
   * reconciler) or holds another rental, the found instance is a leak and is destroyed at once.
   */
  attach(provider: ComputeProvider, id: string, found: ProviderInstance, cause: string): Promise<void> {
    return this.renter.attach(provider, id, found, cause);
  }

  /**
   * Refuses a rental the budget does not allow: the month's cap is spent, or the offer costs more than the
   * max $/h (looked up among the provider's offers at or under that price; the local provider is free).
   */
  /**
   * The image variant for the offer: the pinned one, or the newest its host's driver runs as the offer was
   * listed (the default when it was not listed since the hub started). 409 naming `body.offerId` when the
   * host's driver is too old for every image (or the pinned one): renting it would only fail at boot.
   */
  private imageVariant(kind: ProviderKind, offerId: string): ImageVariant {
    const pinned = this.options.imageVariant ?? null;
    const cudaMax = kind === 'local' ? null : (this.providers.offers.cudaMax(kind, offerId) ?? null);
    const variant = chooseVariant(cudaMax, pinned);
    if (variant) return variant;
    const need = pinned ? `the ${pinned} images need ${VARIANT_MIN_CUDA[pinned]}` : `the images need 12.1`;
    throw new HttpError(
      409,
      'conflict',
      `body.offerId: offer ${offerId}'s host driver supports CUDA up to ${cudaMax}; ${need} or newer — pick an offer with a newer driver (podpilot offers --cuda ${pinned ? VARIANT_MIN_CUDA[pinned] : '12.1'})`,
      [
        {
          path: 'body.offerId',
          message: `the host's driver supports CUDA up to ${cudaMax}; ${need} or newer`,
        },
      ],
    );
  }

  private async checkBudget(provider: ComputeProvider, offerId: string): Promise<void> {
    const budget = this.options.budget;
    if (!budget) return;
    await budget.assertLaunchAllowed(null);
    const { maxPricePerHour } = await budget.get();
    if (maxPricePerHour === null || provider.kind === 'local') return;
    const offers = await provider.searchOffers({ maxPricePerHour, limit: 1000 }).catch((error: unknown) => {
      if (error instanceof ProviderError)
        throw conflict(`cannot check the offer's price: ${describe(error)}`);
      throw error;
    });
    this.providers.offers.remember(provider.kind, offers);
    const offer = offers.find((o) => o.id === offerId);
    if (!offer)
      throw new HttpError(
        409,
        'budget_exceeded',
        `body.offerId: offer ${offerId} is not among the offers at or under the budget's max $${maxPricePerHour.toFixed(2)}/h`,
      );
    await budget.assertLaunchAllowed(offer.pricePerHour);
  }

  /** Read-only label lookup for a launch whose outcome is unknown; adopts what it finds. */
  private async adoptByLabel(provider: ComputeProvider, row: LifecycleRow): Promise<void> {
    try {
      const found = await provider.findByPodpilotId(row.id);
      if (found) await this.attach(provider, row.id, found, 'found by label after a lost answer');
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
    }
  }

  private async finalSync(row: LifecycleRow): Promise<string> {
    if (!AGENT_STATES.includes(row.state) || this.options.finalSyncMs <= 0) return 'no final sync';
    const result = await this.outputs.finalSync(row.id, this.options.finalSyncMs);
    return `final sync: ${result.result}`;
  }

  private async provider(kind: ProviderKind): Promise<ComputeProvider> {
    try {
      return await this.providers.get(kind);
    } catch (error) {
      throw conflict(describe(error));
    }
  }

  private async require(id: string): Promise<LifecycleRow> {
    const row = await this.rows.find(id);
    if (!row) throw notFound(`instance ${id}`);
    return row;
  }
}
