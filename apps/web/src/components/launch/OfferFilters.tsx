import type { ProviderKind } from '@podpilot/common';
import { useId } from 'react';
import { isCudaVersion, type OfferFilters } from '../../lib/offers';
import { selectClass } from '../shared/styles';
import { TextField } from '../shared/TextField';

export interface OfferFilterText {
  gpu: string;
  minVram: string;
  maxPrice: string;
  cuda: string;
  provider: ProviderKind | 'all';
}

export const emptyFilterText: OfferFilterText = {
  gpu: '',
  minVram: '',
  maxPrice: '',
  cuda: '',
  provider: 'all',
};

/** The filters as typed → the filters applied (numbers that do not parse count as "any"). */
export function parseFilterText(
  text: OfferFilterText,
  parse: (value: string) => number | null,
): OfferFilters {
  return {
    gpu: text.gpu,
    minVram: parse(text.minVram),
    maxPrice: parse(text.maxPrice),
    cuda: text.cuda,
    provider: text.provider,
  };
}

const numberError = (value: string, what: string) =>
  value.trim() !== '' && !(Number(value) > 0) ? `Expected ${what} above 0` : undefined;

/** GPU name, min VRAM, max $/h, CUDA and provider: narrows the offers table as you type. */
export function OfferFiltersForm({
  value,
  onChange,
}: {
  value: OfferFilterText;
  onChange: (next: OfferFilterText) => void;
}) {
  const set = (patch: Partial<OfferFilterText>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="grid grid-cols-2 gap-4 lg:grid-cols-5">
      <legend className="sr-only">Filter offers</legend>
      <TextField
        className="col-span-2 lg:col-span-1"
        label="GPU"
        placeholder="e.g. 4090"
        value={value.gpu}
        onChange={(e) => set({ gpu: e.target.value })}
        autoComplete="off"
      />
      <TextField
        label="Min VRAM (GB)"
        inputMode="decimal"
        placeholder="any"
        value={value.minVram}
        onChange={(e) => set({ minVram: e.target.value })}
        error={numberError(value.minVram, 'GB')}
      />
      <TextField
        label="Max $/hour"
        inputMode="decimal"
        placeholder="any"
        value={value.maxPrice}
        onChange={(e) => set({ maxPrice: e.target.value })}
        error={numberError(value.maxPrice, 'a price')}
      />
      <TextField
        label="CUDA at least"
        placeholder="e.g. 12.4"
        value={value.cuda}
        onChange={(e) => set({ cuda: e.target.value })}
        error={isCudaVersion(value.cuda) ? undefined : 'Expected a version like 12.4'}
      />
      <ProviderSelect value={value.provider} onChange={(provider) => set({ provider })} />
    </fieldset>
  );
}

function ProviderSelect({
  value,
  onChange,
}: {
  value: OfferFilterText['provider'];
  onChange: (provider: OfferFilterText['provider']) => void;
}) {
  const providerId = useId();
  return (
    <div>
      <label htmlFor={providerId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        Provider
      </label>
      <select
        id={providerId}
        className={selectClass}
        value={value}
        onChange={(e) => onChange(e.target.value as OfferFilterText['provider'])}
      >
        <option value="all">All providers</option>
        <option value="local">local (this machine)</option>
        <option value="vastai">Vast.ai</option>
        <option value="runpod">Runpod</option>
      </select>
    </div>
  );
}
