import type { ComputeProvider } from '../../providers/provider.js';
import type { LaunchOffer, LifecycleRow } from '../../repositories/lifecycle.repository.js';

// What a relaunch rents instead of a rental that never ran (or an offer that was taken), and how its cause reads.

/** A relaunch rents the same GPU at up to this factor of the original offer's price. */
export const RELAUNCH_PRICE_FACTOR = 1.25;

/** `relaunch k/n` for the relaunch about to be made. */
export const relaunchLabel = (row: LifecycleRow) =>
  `relaunch ${row.relaunchesDone + 1}/${row.relaunchesDone + row.relaunchesLeft}`;

/** The budget's max $/h, which a replacement offer never passes. */
export type RelaunchBudget = { get(): Promise<{ maxPricePerHour: number | null }> };

/**
 * The offer a relaunch rents: the same for `local`; otherwise the cheapest offer with the original GPU
 * name and count at most 1.25× the original price (and never above the budget's max $/h), never one tried
 * before, on a host whose driver runs the launched image (`launch.minCuda`), priced with the launch's disk
 * (`launch.diskGb`, as the original offer was). Null when none (or the original offer's GPU and price are
 * unknown). Returns the offer record with `offer.id` added to `tried`.
 */
export async function replacementOffer(
  provider: ComputeProvider,
  offer: LaunchOffer,
  launch: { minCuda?: string; diskGb?: number } | null,
  budget: RelaunchBudget | undefined,
): Promise<{ id: string; offer: LaunchOffer } | null> {
  const minCuda = launch?.minCuda;
  const tried = [...new Set([...(offer.tried ?? []), offer.id])];
  if (provider.kind === 'local') return { id: 'local', offer: { ...offer, tried } };
  if (!offer.gpuName || !offer.pricePerHour) return null;
  const budgetMax = (await budget?.get())?.maxPricePerHour ?? Number.POSITIVE_INFINITY;
  const offers = await provider.searchOffers({
    gpuName: offer.gpuName,
    ...(offer.gpuCount ? { gpuCount: offer.gpuCount } : {}),
    maxPricePerHour: Math.min(offer.pricePerHour * RELAUNCH_PRICE_FACTOR, budgetMax),
    ...(minCuda ? { minCuda } : {}),
    ...(launch?.diskGb ? { minDiskGb: launch.diskGb } : {}),
    limit: 50,
  });
  const found = offers.find((o) => !tried.includes(o.id));
  return found ? { id: found.id, offer: { ...offer, tried } } : null;
}
