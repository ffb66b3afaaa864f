import type { InstanceDetail, InstanceState, LaunchRequest, ProviderKind } from '@podpilot/common';
import { UI_KINDS, type UiKind } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import { iso } from '../lib/dates.js';
import { conflict, HttpError, notFound } from '../lib/http-error.js';
import { AuthError, NoCapacityError, NotYetTerminatedError, ProviderError } from '../providers/errors.js';
import { type ComputeProvider, isStoppable, type ProviderInstance } from '../providers/provider.js';
import { imageFor, type ProviderRegistry } from '../providers/registry.js';
import { AgentCredentialsRepository } from '../repositories/agent-credentials.repository.js';
import {
  findProfileVersion,
  type LaunchOffer,
  LifecycleRepository,
  type LifecycleRow,
} from '../repositories/lifecycle.repository.js';
import type { AgentsService } from './agents.service.js';
import type { InstancesService } from './instances.service.js';
import type { OutputsService } from './outputs.service.js';

export interface LifecycleOptions {
  /** How long stop/destroy wait for the agent's final sync. */
  finalSyncMs: number;
  imagePrefix: string;
  /** The hub URL agents use. */
  hubUrl: () => string;
}

/** States in which an agent may be running and can answer a final sync. */
export const AGENT_STATES: readonly InstanceState[] = ['booting', 'provisioning', 'ready', 'idle'];
/** States with (possibly) a live rental that stop may act on. */
const STOPPABLE: readonly InstanceState[] = ['launching', ...AGENT_STATES];

/** States of an instance whose rental never reached running: a relaunch may replace it. */
const NEVER_RAN: readonly InstanceState[] = ['requested', 'launching', 'booting'];
/** A relaunch rents the same GPU at up to this factor of the original offer's price. */
export const RELAUNCH_PRICE_FACTOR = 1.25;

/** What a launch rents besides the offer; kept on the row for a relaunch. */
interface LaunchSpecRecord {
  image: string;
  diskGb: number;
  ports?: number[];
}

/** `relaunch k/n` for the relaunch about to be made. */
const relaunchLabel = (row: LifecycleRow) =>
  `relaunch ${row.relaunchesDone + 1}/${row.relaunchesDone + row.relaunchesLeft}`;

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
  private readonly credentials: AgentCredentialsRepository;

  constructor(
    private readonly db: Db,
    private readonly providers: ProviderRegistry,
    private readonly instances: InstancesService,
    private readonly agents: AgentsService,
    private readonly outputs: OutputsService,
    private readonly options: LifecycleOptions,
    private readonly log: FastifyBaseLogger,
  ) {
    this.rows = new LifecycleRepository(db);
    this.credentials = new AgentCredentialsRepository(db);
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
    const spec = version.spec as { ui: { kind: UiKind }; idle?: unknown };
    const ui = UI_KINDS[spec.ui.kind];
    const launchSpec: LaunchSpecRecord = {
      image: imageFor(this.options.imagePrefix, spec.ui.kind),
      diskGb: req.diskGb,
      ports: ui ? [ui.port] : [],
    };
    const offerId = req.offerId ?? 'local';
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
    await this.rent(provider, row.id, offerId, launchSpec);
    return { instance: await this.instances.get(row.id), created };
  }

  /**
   * Rents `offerId` for a `launching` row with a fresh bootstrap token (earlier credentials of the instance
   * are revoked). When the offer is taken and a relaunch is left, rents a replacement offer instead; a
   * provider that cannot be reached leaves the row `launching` for the reconciler.
   */
  private async rent(
    provider: ComputeProvider,
    id: string,
    firstOfferId: string,
    spec: LaunchSpecRecord,
  ): Promise<void> {
    let offerId = firstOfferId;
    for (;;) {
      await this.credentials.revokeAll(id);
      const env = {
        PODPILOT_HUB_URL: this.options.hubUrl(),
        PODPILOT_BOOTSTRAP_TOKEN: await this.agents.mintBootstrapToken(id),
        PODPILOT_PROVIDER: provider.kind,
        PODPILOT_INSTANCE_ID: id,
      };
      try {
        const rented = await provider.launch({
          instanceId: id,
          offerId,
          image: spec.image,
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
    let next: Awaited<ReturnType<LifecycleService['replacementOffer']>>;
    try {
      next = await this.replacementOffer(provider, offer);
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
    const next = await this.replacementOffer(provider, offer);
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
   * name and count at most 1.25× the original price, never one tried before. Null when none (or the
   * original offer's GPU and price are unknown). Returns the offer record with `offer.id` added to `tried`.
   */
  private async replacementOffer(
    provider: ComputeProvider,
    offer: LaunchOffer,
  ): Promise<{ id: string; offer: LaunchOffer } | null> {
    const tried = [...new Set([...(offer.tried ?? []), offer.id])];
    if (provider.kind === 'local') return { id: 'local', offer: { ...offer, tried } };
    if (!offer.gpuName || !offer.pricePerHour) return null;
    const offers = await provider.searchOffers({
      gpuName: offer.gpuName,
      ...(offer.gpuCount ? { gpuCount: offer.gpuCount } : {}),
      maxPricePerHour: offer.pricePerHour * RELAUNCH_PRICE_FACTOR,
      limit: 50,
    });
    const found = offers.find((o) => !tried.includes(o.id));
    return found ? { id: found.id, offer: { ...offer, tried } } : null;
  }

  /**
   * Stops a running instance: final output sync (bounded), `stopping`, provider stop, `stopped`. A provider
   * failure leaves it `stopping` with desired state `stopped` (the reconciler retries). 409 when the
   * provider cannot stop instances or the instance is not running.
   */
  async stop(id: string): Promise<InstanceDetail> {
    const row = await this.require(id);
    if (row.state === 'stopped' || row.state === 'stopping') return this.instances.get(id);
    if (!STOPPABLE.includes(row.state) || !row.providerInstanceId)
      throw conflict(`instance ${id} is ${row.state}: only a running instance can be stopped`);
    const provider = await this.provider(row.provider as ProviderKind);
    if (!isStoppable(provider)) throw conflict(`${row.provider} cannot stop instances: destroy it instead`);
    const sync = await this.finalSync(row);
    if (
      !(await this.rows.move(id, 'stopping', `stop requested (${sync})`, {
        from: STOPPABLE,
        desired: 'stopped',
      }))
    )
      return this.instances.get(id);
    try {
      await provider.stop(row.providerInstanceId);
      await this.rows.move(id, 'stopped', 'provider stopped the instance', { from: ['stopping'] });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      await this.rows.event(id, 'warn', 'stop-failed', `stop will be retried: ${describe(error)}`);
    }
    return this.instances.get(id);
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
   */
  async destroy(id: string): Promise<InstanceDetail> {
    const row = await this.require(id);
    if (row.state === 'destroyed') return this.instances.get(id);
    const sync = AGENT_STATES.includes(row.state) ? await this.finalSync(row) : 'no agent running';
    await this.rows.setDesired(id, 'destroyed');
    await this.rows.move(id, 'stopping', `destroy requested (${sync})`, { desired: 'destroyed' });
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
