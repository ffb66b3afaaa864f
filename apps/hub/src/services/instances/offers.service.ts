import type { OffersQuery, OffersResponse, ProviderKind } from '@podpilot/common';
import { errorMessage as message } from '@podpilot/common';
import { hostRuns, type ImageVariant } from '../../providers/image-variants.js';
import type { ProviderRegistry } from '../../providers/registry.js';

/** Extra offers asked of each provider, to fill the page after leaving out hosts with too old a driver. */
const OVERFETCH = 50;

/** `GET /api/offers`: every configured provider asked at once, merged cheapest first. */
export class OffersService {
  /** The oldest variant a launch may get: hosts whose driver runs none of the images are not offered. */
  private readonly floor: ImageVariant;

  constructor(
    private readonly providers: ProviderRegistry,
    options: { pinnedVariant?: ImageVariant } = {},
  ) {
    this.floor = options.pinnedVariant ?? 'cu121';
  }

  /**
   * Offers matching `query` from each provider (or the one named), cheapest first, at most `limit`, leaving
   * out hosts whose driver is too old for every PodPilot image (or the pinned one): a launch of one would be
   * refused. A provider that is not configured or fails is listed in `unavailable` with the reason; the
   * others still answer. Never throws for a provider's failure.
   */
  async search(query: OffersQuery): Promise<OffersResponse> {
    const { providers, unavailable } = await this.providers.all();
    const asked = providers.filter((p) => query.provider === undefined || p.kind === query.provider);
    const skipped = unavailable.filter((u) => query.provider === undefined || u.provider === query.provider);
    const answers = await Promise.allSettled(
      asked.map((p) =>
        p.searchOffers({
          ...(query.gpu === undefined ? {} : { gpuName: query.gpu }),
          ...(query.gpuCount === undefined ? {} : { gpuCount: query.gpuCount }),
          ...(query.maxPrice === undefined ? {} : { maxPricePerHour: query.maxPrice }),
          ...(query.minVram === undefined ? {} : { minVramGb: query.minVram }),
          ...(query.cuda === undefined ? {} : { minCuda: query.cuda }),
          // A few more than asked: hosts too old for the images are dropped below.
          limit: Math.min(query.limit + OVERFETCH, 1000),
        }),
      ),
    );
    const offers: OffersResponse['offers'] = [];
    answers.forEach((answer, i) => {
      const kind = asked[i]?.kind as ProviderKind;
      if (answer.status === 'rejected') {
        skipped.push({ provider: kind, reason: message(answer.reason) });
        return;
      }
      // A launch of one of these picks the image its host's driver runs (or is refused: all are remembered).
      this.providers.offers.remember(kind, answer.value);
      for (const offer of answer.value)
        if (offer.cudaMax === null || hostRuns(offer.cudaMax, this.floor))
          offers.push({ ...offer, provider: kind });
    });
    offers.sort((a, b) => a.pricePerHour - b.pricePerHour || a.provider.localeCompare(b.provider));
    return { offers: offers.slice(0, query.limit), unavailable: skipped };
  }
}
