import type { OfferSummary } from '@podpilot/common';
import { formatPrice } from '../../lib/format';
import { type OfferSort, type OfferSortKey, offerGpuLabel, offerKey, toggleSort } from '../../lib/offers';

const th =
  'px-4 py-2.5 text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase dark:text-slate-400';
const td = 'px-4 py-3 whitespace-nowrap';

const providerLabel: Record<OfferSummary['provider'], string> = {
  local: 'local',
  vastai: 'Vast.ai',
  runpod: 'Runpod',
};

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

const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)} %`);
const mbps = (value: number | null) => (value === null ? '—' : `${Math.round(value)} Mb/s`);

/** Offers to choose from: one radio per row (arrow keys move between them), sortable columns. */
export function OffersTable({
  offers,
  sort,
  onSort,
  selected,
  onSelect,
  maxPricePerHour,
}: {
  offers: readonly OfferSummary[];
  sort: OfferSort;
  onSort: (next: OfferSort) => void;
  selected: string | null;
  onSelect: (offer: OfferSummary) => void;
  /** The budget's max $/h: pricier offers are marked (the hub refuses them). */
  maxPricePerHour: number | null;
}) {
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
          {offers.map((offer) => {
            const key = offerKey(offer);
            const isSelected = key === selected;
            const tooPricey = maxPricePerHour !== null && offer.pricePerHour > maxPricePerHour;
            const id = `offer-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
            return (
              <tr
                key={key}
                onClick={() => onSelect(offer)}
                className={`cursor-pointer ${isSelected ? 'bg-indigo-50 dark:bg-indigo-950/40' : 'hover:bg-slate-50 dark:hover:bg-slate-800/40'}`}
              >
                <td className={td}>
                  <input
                    type="radio"
                    name="offer"
                    id={id}
                    checked={isSelected}
                    onChange={() => onSelect(offer)}
                    className="size-4 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
                  />
                </td>
                <td className={`${td} font-medium`}>
                  <label htmlFor={id} className="cursor-pointer">
                    {offerGpuLabel(offer)}
                    {offer.provider === 'local' ? (
                      <span className="ml-2 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-900">
                        free · try it out
                      </span>
                    ) : null}
                    <span className="sr-only">
                      {`, ${formatPrice(offer.pricePerHour)}, ${providerLabel[offer.provider]}`}
                    </span>
                  </label>
                </td>
                <td className={`${td} tabular-nums ${tooPricey ? 'text-red-700 dark:text-red-400' : ''}`}>
                  {formatPrice(offer.pricePerHour)}
                  {tooPricey ? <span className="ml-1 text-xs">(over your max)</span> : null}
                </td>
                <td className={`${td} tabular-nums`}>{offer.vramGb > 0 ? `${offer.vramGb} GB` : '—'}</td>
                <td className={td}>{providerLabel[offer.provider]}</td>
                <td className={`${td} tabular-nums`}>{offer.cudaMax ?? '—'}</td>
                <td className={`${td} tabular-nums`}>{percent(offer.reliability)}</td>
                <td className={`${td} tabular-nums`}>{mbps(offer.downloadMbps)}</td>
                <td className={`${td} tabular-nums`}>
                  {offer.diskGb === null ? '—' : `${Math.round(offer.diskGb)} GB`}
                </td>
                <td className={`${td} text-slate-500 dark:text-slate-400`}>{offer.location ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
