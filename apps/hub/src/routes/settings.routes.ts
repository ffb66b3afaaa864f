import { endpoints, type StorageSettingsResponse } from '@podpilot/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { StorageConfig } from '../storage/settings.js';
import { route } from './route.js';

/**
 * What the settings page may show of the storage configuration: never the access keys or local paths.
 * Undefined (an app built without the hub's config, as in tests, which use local storage) is local.
 */
export function storageFacts(config: StorageConfig | undefined): StorageSettingsResponse {
  if (config === undefined || config.kind === 'local') return { kind: 'local' };
  return {
    kind: 's3',
    endpoint: config.endpoint ?? null,
    region: config.region,
    bucket: config.bucket,
    forcePathStyle: config.forcePathStyle,
  };
}

/** `GET /api/settings/storage`: the storage the hub was started with (`PODPILOT_STORAGE`, `PODPILOT_S3_*`). */
export const settingsRoutes: FastifyPluginAsyncZod<{ storage: StorageConfig | undefined }> = async (
  app,
  { storage },
) => {
  const facts = storageFacts(storage);
  route(app, endpoints.settings.storage, async () => facts);
};
