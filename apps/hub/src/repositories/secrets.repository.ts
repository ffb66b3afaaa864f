import type { Queryable } from '../db/db.js';

export interface SecretRow {
  name: string;
  ciphertext: Buffer;
  nonce: Buffer;
  keyId: string;
  updatedAt: Date;
}

/** The `secrets` table: encrypted values only; this layer never sees a plaintext. */
export class SecretsRepository {
  constructor(private readonly db: Queryable) {}

  async upsert(row: Omit<SecretRow, 'updatedAt'>): Promise<void> {
    await this.db.query(
      `insert into secrets (name, ciphertext, nonce, key_id) values ($1, $2, $3, $4)
       on conflict (name) do update
         set ciphertext = excluded.ciphertext, nonce = excluded.nonce, key_id = excluded.key_id, updated_at = now()`,
      [row.name, row.ciphertext, row.nonce, row.keyId],
    );
  }

  async find(name: string): Promise<SecretRow | null> {
    const rows = await this.db.query<SecretRow>(
      `select name, ciphertext, nonce, key_id as "keyId", updated_at as "updatedAt" from secrets where name = $1`,
      [name],
    );
    const row = rows[0];
    return row ? { ...row, ciphertext: Buffer.from(row.ciphertext), nonce: Buffer.from(row.nonce) } : null;
  }

  /** Names and times only. */
  async list(): Promise<{ name: string; updatedAt: Date }[]> {
    return this.db.query(`select name, updated_at as "updatedAt" from secrets order by name`);
  }

  /** Whether a row was deleted. */
  async remove(name: string): Promise<boolean> {
    const rows = await this.db.query('delete from secrets where name = $1 returning name', [name]);
    return rows.length > 0;
  }
}
