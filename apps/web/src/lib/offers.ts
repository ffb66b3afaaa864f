import { compareCuda, cudaParts, type OfferSummary, type ProviderKind } from '@podpilot/common';

/** What the offers table is narrowed to; empty strings and nulls mean "any". */
export interface OfferFilters {
  /** Part of the GPU name, any case: `4090` matches "RTX 4090". */
  gpu: string;
  minVram: number | null;
  maxPrice: number | null;
  /** The CUDA version the image needs: offers whose driver supports at least this one. */
  cuda: string;
  provider: ProviderKind | 'all';
}

export const noOfferFilters: OfferFilters = {
  gpu: '',
  minVram: null,
  maxPrice: null,
  cuda: '',
  provider: 'all',
};

export type OfferSortKey = 'price' | 'vram' | 'reliability' | 'download';
export interface OfferSort {
  key: OfferSortKey;
  direction: 'asc' | 'desc';
}

/** The natural first direction of each column: cheapest first, biggest/most reliable/fastest first. */
export const defaultDirection: Record<OfferSortKey, OfferSort['direction']> = {
  price: 'asc',
  vram: 'desc',
  reliability: 'desc',
  download: 'desc',
};

/** A stable key for an offer across providers (ids are only unique per provider). */
export const offerKey = (offer: Pick<OfferSummary, 'provider' | 'id'>): string =>
  `${offer.provider}:${offer.id}`;

/** True when `text` is empty or a CUDA version like 12.4. */
export const isCudaVersion = (text: string): boolean => text.trim() === '' || cudaParts(text) !== null;

/**
 * The offers that match every filter. `local` runs without a GPU and costs nothing, so it is kept whatever
 * the GPU filters say (it is how to try PodPilot without a GPU account); only picking another provider hides it.
 */
export function filterOffers(offers: readonly OfferSummary[], filters: OfferFilters): OfferSummary[] {
  const gpu = filters.gpu.trim().toLowerCase();
  const cuda = filters.cuda.trim();
  return offers.filter((offer) => {
    if (filters.provider !== 'all' && offer.provider !== filters.provider) return false;
    if (offer.provider === 'local') return true;
    if (gpu !== '' && !offer.gpuName.toLowerCase().includes(gpu)) return false;
    if (filters.minVram !== null && offer.vramGb < filters.minVram) return false;
    if (filters.maxPrice !== null && offer.pricePerHour > filters.maxPrice) return false;
    if (cuda !== '' && cudaParts(cuda)) {
      // An offer that does not say which CUDA it supports cannot be shown to meet the requirement.
      if (offer.cudaMax === null) return false;
      const cmp = compareCuda(offer.cudaMax, cuda);
      if (cmp === null || cmp < 0) return false;
    }
    return true;
  });
}

function sortValue(offer: OfferSummary, key: OfferSortKey): number | null {
  switch (key) {
    case 'price':
      return offer.pricePerHour;
    case 'vram':
      return offer.vramGb * Math.max(offer.gpuCount, 1);
    case 'reliability':
      return offer.reliability;
    case 'download':
      return offer.downloadMbps;
  }
}

/**
 * Sorted copy: `local` always first, then by the column in the direction asked; unknown values (null) last
 * whatever the direction; ties cheapest first, then by provider and id so the order never jumps.
 */
export function sortOffers(offers: readonly OfferSummary[], sort: OfferSort): OfferSummary[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...offers].sort((a, b) => {
    const localA = a.provider === 'local' ? 0 : 1;
    const localB = b.provider === 'local' ? 0 : 1;
    if (localA !== localB) return localA - localB;
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x === null && y !== null) return 1;
    if (y === null && x !== null) return -1;
    if (x !== null && y !== null && x !== y) return (x - y) * sign;
    return (
      a.pricePerHour - b.pricePerHour ||
      a.provider.localeCompare(b.provider) ||
      a.id.localeCompare(b.id, undefined, { numeric: true })
    );
  });
}

/** The next sort after a click on a column: the same column flips, another starts in its natural direction. */
export function toggleSort(current: OfferSort, key: OfferSortKey): OfferSort {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: defaultDirection[key] };
}

/** The hub's `GET /api/offers` query for these filters (it narrows server-side; the table narrows again). */
export function offersSearchParams(filters: OfferFilters, limit = 100): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.gpu.trim() !== '') params.set('gpu', filters.gpu.trim());
  if (filters.minVram !== null && filters.minVram > 0) params.set('minVram', String(filters.minVram));
  if (filters.maxPrice !== null && filters.maxPrice > 0) params.set('maxPrice', String(filters.maxPrice));
  if (cudaParts(filters.cuda)) params.set('cuda', filters.cuda.trim());
  if (filters.provider !== 'all') params.set('provider', filters.provider);
  params.set('limit', String(limit));
  return params;
}

/** "2 × RTX 4090", "RTX 4090", or "No GPU" for local. */
export function offerGpuLabel(offer: Pick<OfferSummary, 'gpuName' | 'gpuCount' | 'provider'>): string {
  if (offer.provider === 'local' || offer.gpuCount === 0) return 'No GPU (this machine)';
  return offer.gpuCount > 1 ? `${offer.gpuCount} × ${offer.gpuName}` : offer.gpuName;
}

/** A number typed in a filter field: null when empty or not a positive number. */
export function parsePositive(text: string): number | null {
  const value = Number(text.trim());
  return text.trim() === '' || !Number.isFinite(value) || value <= 0 ? null : value;
}
