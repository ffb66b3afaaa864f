import { join } from 'node:path';
import { ConfigError, errorMessage } from '@podpilot/common';
import type { HubConfig } from '../env.js';
import type { Db } from './db.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

/** The URL without its password, safe for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Postgres when DATABASE_URL is set, else PGlite under <home>/db. Throws ConfigError when Postgres does not answer. */
export async function openDatabase(config: Pick<HubConfig, 'databaseUrl' | 'home'>): Promise<Db> {
  if (!config.databaseUrl) return openPglite({ dataDir: join(config.home, 'db') });
  try {
    return await openPostgres(config.databaseUrl);
  } catch (error) {
    const reason = errorMessage(error);
    throw new ConfigError([`DATABASE_URL: cannot connect to ${redactUrl(config.databaseUrl)}: ${reason}`]);
  }
}
