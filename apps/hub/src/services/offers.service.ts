import type { OffersQuery, OffersResponse, ProviderKind } from '@podpilot/common';
import type { ProviderRegistry } from '../providers/registry.js';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `GET /api/offers`: every configured provider asked at once, merged cheapest first. */
export class OffersService {
  constructor(private readonly providers: ProviderRegistry) {}

  /**
   * Offers matching `query` from each provider (or the one named), cheapest first, at most `limit`.
   * A provider that is not configured or fails is listed in `unavailable` with the reason; the others still
   * answer. Never throws for a provider's failure.
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
          limit: query.limit,
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
      // A launch of one of these picks the image its host's driver runs.
      this.providers.offers.remember(kind, answer.value);
      for (const offer of answer.value) offers.push({ ...offer, provider: kind });
    });
    offers.sort((a, b) => a.pricePerHour - b.pricePerHour || a.provider.localeCompare(b.provider));
    return { offers: offers.slice(0, query.limit), unavailable: skipped };
  }
}
