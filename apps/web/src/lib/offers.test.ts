import type { OfferSummary } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import {
  filterOffers,
  noOfferFilters,
  offerGpuLabel,
  offersSearchParams,
  parsePositive,
  sortOffers,
  toggleSort,
} from './offers';

const offer = (over: Partial<OfferSummary>): OfferSummary => ({
  provider: 'vastai',
  id: '1',
  gpuName: 'RTX 4090',
  gpuCount: 1,
  vramGb: 24,
  pricePerHour: 0.5,
  cudaMax: '12.4',
  reliability: 0.99,
  downloadMbps: 500,
  diskGb: 100,
  location: 'US',
  ...over,
});

const local = offer({
  provider: 'local',
  id: 'local',
  gpuName: 'none (local)',
  gpuCount: 0,
  vramGb: 0,
  pricePerHour: 0,
  cudaMax: null,
  reliability: null,
  downloadMbps: null,
});

const offers = [
  offer({
    id: 'a',
    gpuName: 'RTX 4090',
    vramGb: 24,
    pricePerHour: 0.6,
    reliability: 0.95,
    downloadMbps: 800,
  }),
  offer({ id: 'b', gpuName: 'RTX 3090', vramGb: 24, pricePerHour: 0.25, cudaMax: '12.2', reliability: null }),
  offer({
    provider: 'runpod',
    id: 'c',
    gpuName: 'A100 80GB',
    vramGb: 80,
    pricePerHour: 1.9,
    cudaMax: '12.10',
    downloadMbps: null,
  }),
  local,
];

describe('filterOffers', () => {
  it('keeps everything without filters', () => {
    expect(filterOffers(offers, noOfferFilters)).toHaveLength(4);
  });

  it('matches part of the GPU name in any case, and always keeps local', () => {
    const ids = filterOffers(offers, { ...noOfferFilters, gpu: ' 4090 ' }).map((o) => o.id);
    expect(ids).toEqual(['a', 'local']);
  });

  it('filters by VRAM, price and CUDA (offers without a CUDA version drop out)', () => {
    expect(filterOffers(offers, { ...noOfferFilters, minVram: 40 }).map((o) => o.id)).toEqual(['c', 'local']);
    expect(filterOffers(offers, { ...noOfferFilters, maxPrice: 0.5 }).map((o) => o.id)).toEqual([
      'b',
      'local',
    ]);
    expect(filterOffers(offers, { ...noOfferFilters, cuda: '12.4' }).map((o) => o.id)).toEqual([
      'a',
      'c',
      'local',
    ]);
    expect(filterOffers([offer({ cudaMax: null })], { ...noOfferFilters, cuda: '12.1' })).toEqual([]);
  });

  it('ignores a CUDA filter that is not a version yet (while typing "12.")', () => {
    expect(filterOffers(offers, { ...noOfferFilters, cuda: '12.' })).toHaveLength(4);
  });

  it('hides local only when another provider is picked', () => {
    expect(filterOffers(offers, { ...noOfferFilters, provider: 'runpod' }).map((o) => o.id)).toEqual(['c']);
    expect(filterOffers(offers, { ...noOfferFilters, provider: 'local' }).map((o) => o.id)).toEqual([
      'local',
    ]);
  });
});

describe('sortOffers', () => {
  it('puts local first, then cheapest first by default', () => {
    expect(sortOffers(offers, { key: 'price', direction: 'asc' }).map((o) => o.id)).toEqual([
      'local',
      'b',
      'a',
      'c',
    ]);
    expect(sortOffers(offers, { key: 'price', direction: 'desc' }).map((o) => o.id)).toEqual([
      'local',
      'c',
      'a',
      'b',
    ]);
  });

  it('sorts by VRAM with ties broken by price', () => {
    expect(sortOffers(offers, { key: 'vram', direction: 'desc' }).map((o) => o.id)).toEqual([
      'local',
      'c',
      'b',
      'a',
    ]);
  });

  it('counts VRAM over every GPU of the offer', () => {
    const two = offer({ id: 'two', gpuCount: 2, vramGb: 24 });
    const one = offer({ id: 'one', gpuCount: 1, vramGb: 40 });
    expect(sortOffers([one, two], { key: 'vram', direction: 'desc' }).map((o) => o.id)).toEqual([
      'two',
      'one',
    ]);
  });

  it('keeps unknown values last in both directions', () => {
    expect(sortOffers(offers, { key: 'reliability', direction: 'desc' }).map((o) => o.id)).toEqual([
      'local',
      'c',
      'a',
      'b',
    ]);
    expect(sortOffers(offers, { key: 'reliability', direction: 'asc' }).at(-1)?.id).toBe('b');
    expect(sortOffers(offers, { key: 'download', direction: 'asc' }).at(-1)?.id).toBe('c');
  });

  it('does not change its input', () => {
    const copy = [...offers];
    sortOffers(offers, { key: 'vram', direction: 'asc' });
    expect(offers).toEqual(copy);
  });
});

describe('toggleSort', () => {
  it('flips the same column and starts another in its natural direction', () => {
    expect(toggleSort({ key: 'price', direction: 'asc' }, 'price')).toEqual({
      key: 'price',
      direction: 'desc',
    });
    expect(toggleSort({ key: 'price', direction: 'asc' }, 'vram')).toEqual({
      key: 'vram',
      direction: 'desc',
    });
  });
});

describe('offersSearchParams', () => {
  it('sends only the filters that are set and valid', () => {
    expect(offersSearchParams(noOfferFilters).toString()).toBe('limit=100');
    const params = offersSearchParams({
      gpu: 'RTX 4090',
      minVram: 24,
      maxPrice: 0.8,
      cuda: '12.',
      provider: 'vastai',
    });
    expect(params.toString()).toBe('gpu=RTX+4090&minVram=24&maxPrice=0.8&provider=vastai&limit=100');
  });
});

describe('offerGpuLabel and parsePositive', () => {
  it('labels GPUs', () => {
    expect(offerGpuLabel(local)).toBe('No GPU (this machine)');
    expect(offerGpuLabel(offer({ gpuCount: 2 }))).toBe('2 × RTX 4090');
    expect(offerGpuLabel(offer({}))).toBe('RTX 4090');
  });

  it('parses positive numbers only', () => {
    expect(parsePositive('0.5')).toBe(0.5);
    expect(parsePositive('')).toBeNull();
    expect(parsePositive('-1')).toBeNull();
    expect(parsePositive('abc')).toBeNull();
  });
});
