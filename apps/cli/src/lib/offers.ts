import { instancesEndpoints, type OfferSummary, OffersQuery, type OffersResponse } from '@podpilot/common';
import { CliError } from './cli-error.js';
import { type FlagSpec, parseFlags } from './flags.js';
import type { HubClient } from './hub-client.js';
import { formatTable } from './output.js';

/** `podpilot offers` flags, as commander hands them over (strings). */
export interface OffersFlags {
  gpu?: string;
  gpuCount?: string;
  maxPrice?: string;
  minVram?: string;
  cuda?: string;
  provider?: string;
  limit?: string;
}

const SPECS: Record<keyof OffersFlags, FlagSpec> = {
  gpu: { flag: '--gpu', expected: 'expected a GPU name (1 to 100 characters), e.g. "RTX 4090"' },
  gpuCount: { flag: '--gpu-count', expected: 'expected a whole number of GPUs from 1 to 16' },
  maxPrice: { flag: '--max-price', expected: 'expected a price in $/hour above 0, e.g. 0.6' },
  minVram: { flag: '--min-vram', expected: 'expected GiB of GPU memory above 0, e.g. 24' },
  cuda: { flag: '--cuda', expected: 'expected a CUDA version like 12.4' },
  provider: { flag: '--provider', expected: 'expected a provider: vastai, runpod or local' },
  limit: { flag: '--limit', expected: 'expected a whole number from 1 to 500' },
};

/** The flags checked against the hub's query schema; throws CliError naming the bad flag. */
export function offersQueryFromFlags(flags: OffersFlags): OffersQuery {
  const raw = Object.fromEntries(
    Object.entries(flags).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  // Empty strings would coerce to 0 and read as "not given" elsewhere: refuse them as what they are.
  for (const [key, value] of Object.entries(raw)) {
    const spec = SPECS[key as keyof OffersFlags];
    if (spec && !value.trim()) throw new CliError(`${spec.flag}: ${spec.expected}, got "${value}"`);
  }
  return parseFlags(OffersQuery, raw, SPECS, raw);
}

/** `GET /api/offers` with the query. */
export async function fetchOffers(hub: HubClient, query: OffersQuery): Promise<OffersResponse> {
  return hub.call(instancesEndpoints.offers, { query });
}

const orDash = <T>(value: T | null, format: (v: T) => string) => (value === null ? '-' : format(value));

/** The offers table: cheapest first as the hub sorted them; the offer id last (it is what `launch` takes). */
export function formatOffers(offers: OfferSummary[]): string {
  return formatTable(
    ['$/H', 'GPU', 'VRAM', 'CUDA', 'RELIABILITY', 'DOWN MBPS', 'PROVIDER', 'OFFER'],
    offers.map((o) => [
      `$${o.pricePerHour.toFixed(3)}`,
      `${o.gpuName} ×${o.gpuCount}`,
      `${Number(o.vramGb.toFixed(1))} GB`,
      o.cudaMax ?? '-',
      // Providers give 0..1; show a percentage.
      orDash(o.reliability, (r) => (r <= 1 ? `${(r * 100).toFixed(1)}%` : String(r))),
      orDash(o.downloadMbps, (m) => String(Math.round(m))),
      o.provider,
      o.id,
    ]),
  );
}

/** The note for providers the hub could not ask (printed on stderr). */
export function unavailableNotes(response: OffersResponse): string[] {
  return response.unavailable.map((u) => `note: ${u.provider} unavailable: ${u.reason}`);
}
