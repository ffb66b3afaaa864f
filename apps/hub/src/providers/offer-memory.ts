import type { Offer } from './provider.js';

/** Offers older than this are forgotten: hosts come and go, drivers get updated. */
const TTL_MS = 6 * 3600_000;
/** Bounded: a busy hub lists many offers; the oldest go first. */
const MAX_ENTRIES = 20_000;

/**
 * What the hub learnt of offers it listed (the host driver's CUDA version), so a launch of one of them picks
 * the image variant the host runs without asking the provider again. In memory: after a restart an offer
 * is unknown until listed again, and a launch then falls back to the default variant.
 */
export class OfferMemory {
  private readonly entries = new Map<string, { cudaMax: string | null; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records what a search answered (the newest answer wins). */
  remember(kind: string, offers: readonly Pick<Offer, 'id' | 'cudaMax'>[]): void {
    const at = this.now();
    for (const offer of offers) {
      const key = `${kind}:${offer.id}`;
      this.entries.delete(key); // re-inserted last: the map stays in age order
      this.entries.set(key, { cudaMax: offer.cudaMax, at });
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(key);
    }
  }

  /** The host's CUDA version as last listed; null when the provider did not say; undefined when not known. */
  cudaMax(kind: string, offerId: string): string | null | undefined {
    const entry = this.entries.get(`${kind}:${offerId}`);
    if (!entry || this.now() - entry.at > TTL_MS) return undefined;
    return entry.cudaMax;
  }
}
