import { apiErrors, endpoint } from '../endpoint.js';
import { StorageSettingsResponse, TailscaleCheckResponse } from '../settings.js';

/** What the settings page reads of the hub beyond secrets: storage in use and the Tailscale policy check. */
export const settingsEndpoints = {
  storage: endpoint({
    method: 'GET',
    path: '/api/settings/storage',
    responses: { 200: StorageSettingsResponse, ...apiErrors(401) },
    answer: 'json',
    auth: 'owner',
    tags: ['settings'],
    summary: 'The storage the hub uses: local, or the S3 endpoint, region and bucket (never the keys)',
  }),
  tailscaleCheck: endpoint({
    method: 'GET',
    path: '/api/tailscale/check',
    responses: { 200: TailscaleCheckResponse, ...apiErrors(401) },
    answer: 'json',
    auth: 'owner',
    tags: ['tailscale'],
    summary: "Which Tailscale credentials are in use and what the check of the tailnet's live policy says",
  }),
};
