import type { OfferSummary } from '@podpilot/common';
import { formatPrice } from '../../lib/format';
import { offerGpuLabel, offerKey } from '../../lib/offers';

const td = 'px-4 py-3 whitespace-nowrap';

const providerLabel: Record<OfferSummary['provider'], string> = {
  local: 'local',
  vastai: 'Vast.ai',
  runpod: 'Runpod',
};

const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)} %`);
const mbps = (value: number | null) => (value === null ? '—' : `${Math.round(value)} Mb/s`);

/** One offer: a radio (its label names the GPU, price and provider), then the offer's numbers. */
export function OfferRow({
  offer,
  selected,
  tooPricey,
  onSelect,
}: {
  offer: OfferSummary;
  selected: boolean;
  /** Over the budget's max $/h: the hub refuses it. */
  tooPricey: boolean;
  onSelect: (offer: OfferSummary) => void;
}) {
  const id = `offer-${offerKey(offer).replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  return (
    <tr
      onClick={() => onSelect(offer)}
      className={`cursor-pointer ${selected ? 'bg-indigo-50 dark:bg-indigo-950/40' : 'hover:bg-slate-50 dark:hover:bg-slate-800/40'}`}
    >
      <td className={td}>
        <input
          type="radio"
          name="offer"
          id={id}
          checked={selected}
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
}
