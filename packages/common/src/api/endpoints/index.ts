import type { Endpoint } from '../endpoint.js';
import { agentEndpoints } from './agent.js';
import { authEndpoints, secretsEndpoints, tokensEndpoints } from './auth.js';
import { costsEndpoints, healthEndpoints, tailscaleEndpoints } from './hub.js';
import { instanceLifecycleEndpoints } from './instance-lifecycle.js';
import { instancesEndpoints } from './instances.js';
import { liveEndpoints, snapshotsEndpoints } from './live.js';
import { filesEndpoints, modelsEndpoints } from './models.js';
import { notificationsEndpoints } from './notifications.js';
import { outputsEndpoints } from './outputs.js';
import { profilesEndpoints } from './profiles.js';
import { settingsEndpoints } from './settings.js';

export * from './params.js';
export {
  agentEndpoints,
  authEndpoints,
  costsEndpoints,
  filesEndpoints,
  healthEndpoints,
  instanceLifecycleEndpoints,
  instancesEndpoints,
  liveEndpoints,
  modelsEndpoints,
  notificationsEndpoints,
  outputsEndpoints,
  profilesEndpoints,
  secretsEndpoints,
  settingsEndpoints,
  snapshotsEndpoints,
  tailscaleEndpoints,
  tokensEndpoints,
};

/**
 * The routes people and their tools call: the whole catalogue but the agent protocol. The web app imports
 * this one, so the agent protocol's schemas stay out of the page's bundle.
 */
export const ownerEndpoints = {
  auth: authEndpoints,
  tokens: tokensEndpoints,
  secrets: secretsEndpoints,
  instances: instancesEndpoints,
  live: liveEndpoints,
  snapshots: snapshotsEndpoints,
  outputs: outputsEndpoints,
  profiles: profilesEndpoints,
  models: modelsEndpoints,
  files: filesEndpoints,
  costs: costsEndpoints,
  tailscale: tailscaleEndpoints,
  notifications: notificationsEndpoints,
  settings: settingsEndpoints,
  health: healthEndpoints,
};

/**
 * The endpoint catalogue: every `/api/*` and `/agent/v1/*` route of the hub (and `/health`), by domain. The hub
 * registers its routes from it; the CLI, the web app and the agent call through `createApiClient` with it.
 */
// A pure call rather than a spread (a spread may run getters, so a bundler would keep it, and with it every
// domain's schemas, in a program that never uses the whole catalogue).
export const endpoints = /* @__PURE__ */ Object.assign({}, ownerEndpoints, { agent: agentEndpoints });

/** Every entry of the catalogue, for checks that must see them all. */
export function catalogueEntries(): Endpoint[] {
  return Object.values(endpoints).flatMap((domain) => Object.values(domain) as Endpoint[]);
}

/**
 * Routes the hub serves outside the catalogue, on purpose: none carries a JSON API of its own. A test fails
 * when any other route is registered without an entry.
 */
export const UNCATALOGUED_ROUTES = [
  { method: 'GET', path: '/metrics', why: 'Prometheus text for scrapers (plugins/metrics.ts)' },
  { method: 'GET', path: '/api/openapi.json', why: 'the OpenAPI document generated from the catalogue' },
  { method: 'GET', path: '/storage/v1/object', why: "local storage's signed, expiring download URLs" },
  { method: 'PUT', path: '/storage/v1/object', why: "local storage's signed upload URLs" },
  { method: 'PUT', path: '/storage/v1/part', why: "local storage's signed multipart part URLs" },
] as const;
