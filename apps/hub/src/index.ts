export { ConfigError } from '@podpilot/common';
export { type AppConfig, buildApp, type HubApp, type RegisteredRoute } from './app.js';
export type { Db, DbEngine, Queryable } from './db/db.js';
export { MigrationError, migrate } from './db/migrate.js';
export { openDatabase } from './db/open.js';
export { openPglite } from './db/pglite.js';
export { openPostgres } from './db/postgres.js';
export { HUB_SETTINGS, type HubConfig, loadHubConfig } from './env.js';
export { type RunningHub, startHub } from './server.js';
