import type { OfferSummary } from '@podpilot/common';
import { type OfferSort, type OfferSortKey, offerKey, toggleSort } from '../../lib/offers';
import { OfferRow } from './OfferRow';

const th =
  'px-4 py-2.5 text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase dark:text-slate-400';

function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: OfferSortKey;
  sort: OfferSort;
  onSort: (next: OfferSort) => void;
}) {
  const active = sort.key === column;
  return (
    <th
      scope="col"
      className={th}
      aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button
        type="button"
        onClick={() => onSort(toggleSort(sort, column))}
        className="inline-flex items-center gap-1 rounded uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:text-white"
      >
        {label}
        <span
          aria-hidden="true"
          className={active ? 'text-indigo-600 dark:text-indigo-400' : 'text-slate-300 dark:text-slate-600'}
        >
          {active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

interface OffersTableProps {
  offers: readonly OfferSummary[];
  sort: OfferSort;
  onSort: (next: OfferSort) => void;
  selected: string | null;
  onSelect: (offer: OfferSummary) => void;
  /** The budget's max $/h: pricier offers are marked (the hub refuses them). */
  maxPricePerHour: number | null;
}

/** Offers to choose from: one radio per row (arrow keys move between them), sortable columns. */
export function OffersTable({ offers, sort, onSort, selected, onSelect, maxPricePerHour }: OffersTableProps) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <table className="min-w-full divide-y divide-slate-200 text-left text-sm dark:divide-slate-800">
        <caption className="sr-only">Offers, {offers.length} shown. Choose one to launch on.</caption>
        <thead className="bg-slate-50 dark:bg-slate-800/50">
          <tr>
            <th scope="col" className={th}>
              <span className="sr-only">Choose</span>
            </th>
            <th scope="col" className={th}>
              GPU
            </th>
            <SortHeader label="$/hour" column="price" sort={sort} onSort={onSort} />
            <SortHeader label="VRAM" column="vram" sort={sort} onSort={onSort} />
            <th scope="col" className={th}>
              Provider
            </th>
            <th scope="col" className={th}>
              CUDA
            </th>
            <SortHeader label="Reliability" column="reliability" sort={sort} onSort={onSort} />
            <SortHeader label="Download" column="download" sort={sort} onSort={onSort} />
            <th scope="col" className={th}>
              Disk
            </th>
            <th scope="col" className={th}>
              Location
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {offers.map((offer) => (
            <OfferRow
              key={offerKey(offer)}
              offer={offer}
              selected={offerKey(offer) === selected}
              tooPricey={maxPricePerHour !== null && offer.pricePerHour > maxPricePerHour}
              onSelect={onSelect}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
