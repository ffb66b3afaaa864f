import { queryOptions } from '@tanstack/react-query';
import { apiCall } from '../../api/client';
import { endpoints } from '../../api/endpoints';

/** `GET /api/settings/storage`: local, or the S3 endpoint, region and bucket (never the keys). */
export const storageQuery = queryOptions({
  queryKey: ['settings', 'storage'],
  queryFn: () => apiCall(endpoints.settings.storage),
  staleTime: 5 * 60_000,
});

/**
 * `GET /api/tailscale/check`: the credentials in use and the policy check. Keyed under `secrets` so saving or
 * removing a credential (which invalidates `['secrets']`) checks again.
 */
export const tailscaleCheckQuery = queryOptions({
  queryKey: ['secrets', 'tailscale-check'],
  queryFn: () => apiCall(endpoints.settings.tailscaleCheck),
  staleTime: 60_000,
});
