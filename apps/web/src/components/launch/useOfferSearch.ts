import type { OfferSummary } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { offersQuery } from '../../api/launch';
import { useDebounced } from '../../hooks/useDebounced';
import { filterOffers, type OfferSort, parsePositive, sortOffers } from '../../lib/offers';
import { emptyFilterText, type OfferFilterText, parseFilterText } from './OfferFilters';

/**
 * The launch page's offers: the filters as typed (applied at once to the offers at hand, sent to the
 * providers once they settle), the sort, and the offer chosen.
 */
export function useOfferSearch() {
  const [filterText, setFilterText] = useState<OfferFilterText>(emptyFilterText);
  const filters = useMemo(() => parseFilterText(filterText, parsePositive), [filterText]);
  const asked = useDebounced(filters, 350);
  const offers = useQuery(offersQuery(asked));
  const [sort, setSort] = useState<OfferSort>({ key: 'price', direction: 'asc' });
  const [chosen, setChosen] = useState<OfferSummary | null>(null);
  const shown = useMemo(
    () => sortOffers(filterOffers(offers.data?.offers ?? [], filters), sort),
    [offers.data, filters, sort],
  );
  return { filterText, setFilterText, offers, shown, sort, setSort, chosen, setChosen };
}

export type OfferSearch = ReturnType<typeof useOfferSearch>;
