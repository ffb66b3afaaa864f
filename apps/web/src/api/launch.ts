import type { LaunchRequest } from '@podpilot/common';
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { type OfferFilters, offersSearchParams } from '../lib/offers';
import { apiCall, isRetryable } from './client';
import { endpoints } from './endpoints';

/** `GET /api/offers` narrowed on the hub; the previous answer stays on screen while a new one loads. */
export const offersQuery = (filters: OfferFilters) => {
  const params = offersSearchParams(filters);
  return queryOptions({
    queryKey: ['offers', params.toString()],
    queryFn: () => apiCall(endpoints.instances.offers, { query: params }),
    // Offers come and go at the providers: fresh for a minute, then asked again on the next visit.
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
};

/** `GET /api/budgets`: the limits and this month's spend against the cap. */
export const budgetStatusQuery = queryOptions({
  queryKey: ['budgets', 'status'],
  queryFn: () => apiCall(endpoints.costs.budget),
  staleTime: 30_000,
});

export type LaunchInput = Omit<LaunchRequest, 'idempotencyKey'>;

function newKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `launch-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * `POST /api/instances`. Each click is a new attempt with a fresh idempotency key — except after a failed
 * attempt with exactly the same request: its answer may have been lost on the way while the hub did rent
 * the GPU, so the retry sends the same key and gets that instance back instead of renting a second one.
 * Network and 5xx failures are retried automatically with the same key too.
 */
export function useLaunch() {
  const queryClient = useQueryClient();
  const lastFailed = useRef<{ signature: string; key: string } | null>(null);
  const mutation = useMutation({
    mutationFn: (request: LaunchRequest) => apiCall(endpoints.instances.launch, { body: request }),
    retry: (failures, error) => failures < 2 && isRetryable(error),
    onError: (_error, request) => {
      lastFailed.current = { signature: signatureOf(request), key: request.idempotencyKey };
    },
    onSuccess: async () => {
      lastFailed.current = null;
      await queryClient.invalidateQueries({ queryKey: ['instances'] });
      await queryClient.invalidateQueries({ queryKey: ['budgets'] });
    },
  });
  const launch = (input: LaunchInput) => {
    const signature = signatureOf(input);
    const key = lastFailed.current?.signature === signature ? lastFailed.current.key : newKey();
    return mutation.mutateAsync({ ...input, idempotencyKey: key });
  };
  return { ...mutation, launch };
}

function signatureOf(input: LaunchInput | LaunchRequest): string {
  const { profile, provider, offerId, name, diskGb, relaunch } = input;
  return JSON.stringify([profile, provider, offerId ?? null, name ?? null, diskGb, relaunch]);
}
