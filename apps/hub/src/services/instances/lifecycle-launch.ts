import type { InstanceDetail, LaunchRequest, ProviderKind } from '@podpilot/common';
import { UI_KINDS, type UiKind } from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { conflict, HttpError } from '../../lib/http-error.js';
import { ProviderError } from '../../providers/errors.js';
import {
  chooseVariant,
  DEFAULT_IMAGE_VARIANT,
  type ImageVariant,
  imageFor,
  VARIANT_MIN_CUDA,
  variantsOf,
} from '../../providers/image-variants.js';
import type { ComputeProvider } from '../../providers/provider.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import type { LifecycleRepository, LifecycleRow } from '../../repositories/lifecycle.repository.js';
import { findProfileVersion } from '../../repositories/profiles.repository.js';
import type { InstancesService } from './instances.service.js';
import { configuredProvider, describe, type LifecycleOptions } from './lifecycle-common.js';
import type { LaunchSpecRecord, LifecycleRenter } from './lifecycle-rent.js';

/** `name` or `name@version`. */
function parseProfileRef(ref: string): { name: string; version: number | null } {
  const at = ref.lastIndexOf('@');
  if (at <= 0) return { name: ref, version: null };
  const version = Number(ref.slice(at + 1));
  return { name: ref.slice(0, at), version: Number.isInteger(version) && version > 0 ? version : Number.NaN };
}

const badProfile = (message: string) =>
  new HttpError(400, 'invalid_request', `body.profile: ${message}`, [{ path: 'body.profile', message }]);

type ProfileVersion = NonNullable<Awaited<ReturnType<typeof findProfileVersion>>>;

export interface LauncherDeps {
  db: Db;
  providers: ProviderRegistry;
  instances: InstancesService;
  rows: LifecycleRepository;
  renter: LifecycleRenter;
  options: LifecycleOptions;
}

/**
 * Launching: checks the request (profile version, offer, budget, the host's driver), records the instance
 * under the client's idempotency key, and has the renter rent it outside any transaction.
 */
export class LifecycleLauncher {
  constructor(private readonly deps: LauncherDeps) {}

  /**
   * Launches a profile version. Idempotent per `idempotencyKey`: a repeat returns the existing instance
   * (`created: false`) without a second rental; when that instance's launch outcome is still unknown, the
   * repeat looks it up by label (read-only) and adopts what it finds. Throws 400 naming `profile` when the
   * profile or version is unknown, 409 when the provider is not configured. A provider that cannot be
   * reached leaves the instance `launching` (the reconciler resolves it); no capacity marks it `failed`.
   */
  async launch(req: LaunchRequest): Promise<{ instance: InstanceDetail; created: boolean }> {
    const { rows, instances, renter } = this.deps;
    const version = await this.profileVersion(req);
    const provider = await configuredProvider(this.deps.providers, req.provider);
    const offerId = req.offerId ?? 'local';
    // A retried launch returns its instance whatever the budget or the offer say now; only a new rental is
    // checked (its launch spec is the one stored with the first request).
    const retry = (await rows.findByIdempotencyKey(req.idempotencyKey)) !== null;
    if (!retry) await this.checkBudget(provider, offerId, req.diskGb);
    const spec = version.spec as { ui: { kind: UiKind }; idle?: unknown };
    const variant = retry ? DEFAULT_IMAGE_VARIANT : this.imageVariant(req.provider, offerId, spec.ui.kind);
    const launchSpec = this.launchSpec(spec.ui.kind, variant, req.diskGb);
    const { row, created } = await rows.insertRequested(
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
      return { instance: await instances.get(row.id), created };
    }
    await rows.move(row.id, 'launching', `calling ${req.provider} to rent offer ${offerId}`);
    await renter.rent(provider, row.id, offerId, launchSpec);
    return { instance: await instances.get(row.id), created };
  }

  /** The profile version the request names; 400 for a malformed or unknown one, or a missing offer id. */
  private async profileVersion(req: LaunchRequest): Promise<ProfileVersion> {
    const ref = parseProfileRef(req.profile);
    if (Number.isNaN(ref.version)) throw badProfile(`expected name or name@version, got "${req.profile}"`);
    const version = await findProfileVersion(this.deps.db, ref.name, ref.version);
    if (!version) throw badProfile(`no profile ${req.profile}`);
    if (req.provider !== 'local' && !req.offerId)
      throw new HttpError(400, 'invalid_request', 'body.offerId: expected an offer id (GET /api/offers)', [
        { path: 'body.offerId', message: 'expected an offer id (GET /api/offers)' },
      ]);
    return version;
  }

  /** What the launch rents besides the offer: the UI kind's image in `variant`, its disk and its port. */
  private launchSpec(kind: UiKind, variant: ImageVariant, diskGb: number): LaunchSpecRecord {
    const ui = UI_KINDS[kind];
    return {
      image: imageFor(this.deps.options.imagePrefix, kind, variant, this.deps.options.imageTag),
      minCuda: VARIANT_MIN_CUDA[variant],
      diskGb,
      ports: ui ? [ui.port] : [],
    };
  }

  /**
   * The image variant for the offer: the pinned one, or the newest its host's driver runs as the offer was
   * listed (the default when it was not listed since the hub started). 409 naming `body.offerId` when the
   * host's driver is too old for every image (or the pinned one): renting it would only fail at boot.
   */
  private imageVariant(kind: ProviderKind, offerId: string, uiKind: UiKind): ImageVariant {
    const pinned = this.deps.options.imageVariant ?? null;
    const cudaMax = kind === 'local' ? null : (this.deps.providers.offers.cudaMax(kind, offerId) ?? null);
    const variant = chooseVariant(cudaMax, pinned, uiKind);
    if (variant) return variant;
    const variants = variantsOf(uiKind);
    if (pinned && !variants.includes(pinned)) {
      const message = `the ${uiKind} image is built only for ${variants.join(', ')}, and PODPILOT_IMAGE_VARIANT is ${pinned}`;
      throw new HttpError(409, 'conflict', `body.profile: ${message}`, [{ path: 'body.profile', message }]);
    }
    const oldest = VARIANT_MIN_CUDA[pinned ?? variants[0] ?? DEFAULT_IMAGE_VARIANT];
    const need = pinned ? `the ${pinned} images need ${oldest}` : `the ${uiKind} images need ${oldest}`;
    const message = `the host's driver supports CUDA up to ${cudaMax}; ${need} or newer`;
    throw new HttpError(
      409,
      'conflict',
      `body.offerId: offer ${offerId}'s host driver supports CUDA up to ${cudaMax}; ${need} or newer — pick an offer with a newer driver (podpilot offers --cuda ${oldest})`,
      [{ path: 'body.offerId', message }],
    );
  }

  /**
   * Refuses a rental the budget does not allow: the month's cap is spent, or the offer costs more than the
   * max $/h (looked up among the provider's offers at or under that price, priced with the launch's disk;
   * the local provider is free).
   */
  private async checkBudget(provider: ComputeProvider, offerId: string, diskGb: number): Promise<void> {
    const budget = this.deps.options.budget;
    if (!budget) return;
    await budget.assertLaunchAllowed(null);
    const { maxPricePerHour } = await budget.get();
    if (maxPricePerHour === null || provider.kind === 'local') return;
    const offers = await provider
      .searchOffers({ maxPricePerHour, minDiskGb: diskGb, limit: 1000 })
      .catch((error: unknown) => {
        if (error instanceof ProviderError)
          throw conflict(`cannot check the offer's price: ${describe(error)}`);
        throw error;
      });
    this.deps.providers.offers.remember(provider.kind, offers);
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
      if (found) await this.deps.renter.attach(provider, row.id, found, 'found by label after a lost answer');
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
    }
  }
}
