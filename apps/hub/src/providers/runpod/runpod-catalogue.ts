/**
 * Runpod offers. REST v2 (shared/provider-apis.md) documents no offer market and no GPU-type listing: a pod
 * is created from a GPU type id and Runpod picks the machine. So an "offer" here is a GPU type from a
 * catalogue (built in below, replaceable through `RunpodProviderOptions.gpuTypes`) with a count and the
 * lowest CUDA version asked for, all carried in the offer id so that `launch` rents exactly what was searched:
 * `NVIDIA GeForce RTX 4090` or `NVIDIA GeForce RTX 4090?count=2&minCuda=12.4`. Whether a GPU is actually
 * free is only known at launch (NoCapacityError).
 */
import type { Offer, OfferRequirements } from '../provider.js';
import { RUNPOD_DEFAULT_VOLUME_GB, runpodRunningStoragePerHour } from './runpod-storage.js';

export interface RunpodGpuType {
  /** Runpod's GPU type id, sent as `gpu.id`. */
  id: string;
  /** Short name matched against `OfferRequirements.gpuName`, e.g. "RTX 4090". */
  name: string;
  vramGb: number;
  /** Per GPU, $/h. */
  pricePerHour: number;
  /** Most GPUs of this type one pod can have. Default 8. */
  maxCount?: number;
}

/** Approximate secure-cloud list prices (2025); configure real ones with `gpuTypes`. */
export const RUNPOD_GPU_TYPES: readonly RunpodGpuType[] = [
  { id: 'NVIDIA RTX A5000', name: 'RTX A5000', vramGb: 24, pricePerHour: 0.27 },
  { id: 'NVIDIA GeForce RTX 3090', name: 'RTX 3090', vramGb: 24, pricePerHour: 0.43 },
  { id: 'NVIDIA GeForce RTX 4090', name: 'RTX 4090', vramGb: 24, pricePerHour: 0.69 },
  { id: 'NVIDIA RTX A6000', name: 'RTX A6000', vramGb: 48, pricePerHour: 0.49 },
  { id: 'NVIDIA A40', name: 'A40', vramGb: 48, pricePerHour: 0.4 },
  { id: 'NVIDIA L40S', name: 'L40S', vramGb: 48, pricePerHour: 0.86 },
  { id: 'NVIDIA A100 80GB PCIe', name: 'A100 PCIe', vramGb: 80, pricePerHour: 1.64 },
  { id: 'NVIDIA A100-SXM4-80GB', name: 'A100 SXM', vramGb: 80, pricePerHour: 1.74 },
  { id: 'NVIDIA H100 PCIe', name: 'H100 PCIe', vramGb: 80, pricePerHour: 2.39 },
  { id: 'NVIDIA H100 80GB HBM3', name: 'H100 SXM', vramGb: 80, pricePerHour: 2.99 },
];

export interface RunpodOfferChoice {
  gpuTypeId: string;
  count: number;
  minCuda: string | null;
}

/** The offer id for a GPU type, count and CUDA floor (count 1 and no floor: the bare GPU type id). */
export function runpodOfferId(choice: RunpodOfferChoice): string {
  const query = new URLSearchParams();
  if (choice.count !== 1) query.set('count', String(choice.count));
  if (choice.minCuda) query.set('minCuda', choice.minCuda);
  const suffix = query.toString();
  return suffix ? `${choice.gpuTypeId}?${suffix}` : choice.gpuTypeId;
}

/** Reads an offer id back; a bare GPU type id (as Runpod spells it) is one GPU, no CUDA floor. */
export function parseRunpodOfferId(offerId: string): RunpodOfferChoice {
  const at = offerId.indexOf('?');
  if (at < 0) return { gpuTypeId: offerId, count: 1, minCuda: null };
  const query = new URLSearchParams(offerId.slice(at + 1));
  const count = Number(query.get('count') ?? '1');
  return {
    gpuTypeId: offerId.slice(0, at),
    count: Number.isInteger(count) && count > 0 ? count : 1,
    minCuda: query.get('minCuda'),
  };
}

/**
 * Catalogue entries matching `requirements`, cheapest first. `gpuName` matches the short name or the type id,
 * case-insensitively. Runpod publishes no per-machine reliability, disk or CUDA figures before launch, so
 * `minReliability` does not filter and `minCuda` is passed on to launch as `gpu.minCudaVersion`. A pod's disk
 * is whatever launch asks for, so `minDiskGb` does not filter either: it sizes the `/workspace` volume the
 * price includes (the default launch disk when absent). `pricePerHour` is the GPUs plus the running pod's
 * storage (runpod-storage.ts); `maxPricePerHour` is compared with that whole price.
 */
export function searchCatalogue(types: readonly RunpodGpuType[], requirements: OfferRequirements): Offer[] {
  const r = requirements;
  const count = r.gpuCount ?? 1;
  const wanted = r.gpuName?.replace(/_/g, ' ').toLowerCase();
  const storage = runpodRunningStoragePerHour(r.minDiskGb ?? RUNPOD_DEFAULT_VOLUME_GB);
  const price = (type: RunpodGpuType) => Math.round((type.pricePerHour * count + storage) * 10_000) / 10_000;
  return types
    .filter((type) => wanted === undefined || [type.name, type.id].some((n) => n.toLowerCase() === wanted))
    .filter((type) => count <= (type.maxCount ?? 8))
    .filter((type) => r.minVramGb === undefined || type.vramGb >= r.minVramGb)
    .filter((type) => r.maxPricePerHour === undefined || price(type) <= r.maxPricePerHour)
    .map(
      (type): Offer => ({
        provider: 'runpod',
        id: runpodOfferId({ gpuTypeId: type.id, count, minCuda: r.minCuda ?? null }),
        gpuName: type.name,
        gpuCount: count,
        vramGb: type.vramGb,
        pricePerHour: price(type),
        cudaMax: null,
        reliability: null,
        downloadMbps: null,
        diskGb: null,
        location: null,
      }),
    )
    .sort((a, b) => a.pricePerHour - b.pricePerHour)
    .slice(0, r.limit ?? Number.POSITIVE_INFINITY);
}
