import type { Queryable } from '../db/db.js';

export class SetupTokensRepository {
  constructor(private readonly db: Queryable) {}

  /** Makes `tokenHash` the only setup token: older unused links stop working. */
  async replace(tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.query('delete from setup_tokens where used_at is null');
    await this.db.query('insert into setup_tokens (token_hash, expires_at) values ($1, $2)', [
      tokenHash,
      expiresAt,
    ]);
  }

  /** Marks the token used; true only for the first use of a live token (atomic). */
  async consume(tokenHash: string, q: Queryable = this.db): Promise<boolean> {
    const rows = await q.query(
      `update setup_tokens set used_at = now()
        where token_hash = $1 and used_at is null and expires_at > now() returning token_hash`,
      [tokenHash],
    );
    return rows.length === 1;
  }
}
