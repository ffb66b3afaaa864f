import {
  authEndpoints,
  costsEndpoints,
  healthEndpoints,
  instancesEndpoints,
  liveEndpoints,
  modelsEndpoints,
  outputsEndpoints,
  profilesEndpoints,
  secretsEndpoints,
  snapshotsEndpoints,
  tokensEndpoints,
} from '@podpilot/common';

/**
 * The web app's part of the endpoint catalogue, domain by domain: importing the whole `endpoints` of
 * @podpilot/common would put the agent protocol's schemas in the page's bundle.
 */
export const endpoints = {
  auth: authEndpoints,
  tokens: tokensEndpoints,
  secrets: secretsEndpoints,
  instances: instancesEndpoints,
  live: liveEndpoints,
  snapshots: snapshotsEndpoints,
  outputs: outputsEndpoints,
  profiles: profilesEndpoints,
  models: modelsEndpoints,
  costs: costsEndpoints,
  health: healthEndpoints,
};
