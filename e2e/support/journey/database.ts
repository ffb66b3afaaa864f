import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface HubDatabase {
  /** `DATABASE_URL` for the hub, or nothing (PGlite in its home). */
  env: Record<string, string>;
  /** Drops the database (nothing to do for PGlite). */
  drop(): Promise<void>;
}

/**
 * A Postgres database of its own for one hub when PODPILOT_TEST_DATABASE_URL names a server (five hubs on
 * PGlite cost a core's worth of memory and CPU); else PGlite in the hub's home.
 */
export async function hubDatabase(label: string): Promise<HubDatabase> {
  const adminUrl = process.env.PODPILOT_TEST_DATABASE_URL;
  if (!adminUrl) return { env: {}, drop: async () => {} };
  const name = `podpilot_journey_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}
