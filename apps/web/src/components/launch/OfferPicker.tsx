import { Link } from '@tanstack/react-router';
import { offerKey } from '../../lib/offers';
import { EmptyState } from '../shared/EmptyState';
import { QueryState } from '../shared/QueryState';
import { linkClass } from '../shared/styles';
import { OfferFiltersForm } from './OfferFilters';
import { OffersTable } from './OffersTable';
import { UnavailableProviders } from './UnavailableProviders';
import type { OfferSearch } from './useOfferSearch';

/** Step 2 of the launch page: the filters, the offers of every provider, and the one chosen. */
export function OfferPicker({
  search,
  maxPricePerHour,
}: {
  search: OfferSearch;
  maxPricePerHour: number | null;
}) {
  const { offers, shown, sort, setSort, chosen, setChosen } = search;
  return (
    <>
      <OfferFiltersForm value={search.filterText} onChange={search.setFilterText} />
      {offers.data?.unavailable.length ? <UnavailableProviders list={offers.data.unavailable} /> : null}
      <QueryState query={offers} what="offers from the providers">
        {(data) => (
          <div className={offers.isPlaceholderData ? 'opacity-60' : ''} aria-busy={offers.isFetching}>
            {shown.length === 0 ? (
              <EmptyState title="No offer matches">
                Widen the filters (a higher max $/hour, less VRAM, any CUDA), or add a provider key in{' '}
                <Link to="/settings" className={linkClass}>
                  Settings
                </Link>
                .
              </EmptyState>
            ) : (
              <OffersTable
                offers={shown}
                sort={sort}
                onSort={setSort}
                selected={chosen ? offerKey(chosen) : null}
                onSelect={setChosen}
                maxPricePerHour={maxPricePerHour}
              />
            )}
            <p className="mt-2 text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
              {offers.isFetching
                ? 'Asking the providers…'
                : `${shown.length} of ${data.offers.length} offers shown.`}
            </p>
          </div>
        )}
      </QueryState>
    </>
  );
}
