/** What repositories need from a database: parameterised SQL and transactions. */
export interface Queryable {
  /** Runs one statement with `$1..$n` parameters and returns its rows. Throws the driver's error. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export type DbEngine = 'pglite' | 'postgres';

/**
 * One database handle for the whole hub: PGlite (embedded) or PostgreSQL (`pg` pool).
 * Both speak the same SQL; `int8` and `numeric` columns come back as JS numbers on both.
 */
export interface Db extends Queryable {
  readonly engine: DbEngine;
  /**
   * Runs `fn` in one transaction; commits when it resolves, rolls back and rethrows when it throws.
   * Never call a provider or any slow network service inside `fn`.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations); no parameters. */
  execScript(sql: string): Promise<void>;
  /** Cheap liveness check for /health; resolves false rather than throwing. */
  ping(): Promise<boolean>;
  /** Waits for running queries and releases the connection(s). Idempotent. */
  close(): Promise<void>;
}

/** Type OIDs whose text form we parse to JS numbers on both engines. */
export const NUMBER_TYPE_OIDS = { int8: 20, numeric: 1700 } as const;
export const toNumber = (value: string): number => Number(value);

/** Postgres' (and PGlite's) `unique_violation` SQLSTATE, on `error.code`. */
export const UNIQUE_VIOLATION = '23505';

/** Whether `error` is a unique-constraint violation (a concurrent insert won). */
export const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;

/**
 * The engine-independent part of a `Db`: a script runner, `ping` (false instead of throwing) and an idempotent
 * `close`, from the engine's "run this SQL" and "shut down".
 */
export function dbHousekeeping(
  run: (sql: string) => Promise<unknown>,
  end: () => Promise<void>,
): Pick<Db, 'execScript' | 'ping' | 'close'> {
  let closed = false;
  return {
    async execScript(sql) {
      await run(sql);
    },
    async ping() {
      try {
        await run('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await end();
    },
  };
}
