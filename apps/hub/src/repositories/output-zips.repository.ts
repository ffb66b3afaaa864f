import type { Queryable } from '../db/db.js';
import { columns, from, type OutputRow } from './outputs-sql.js';

/** Zip tickets (`output_zips`) and the kept outputs they name. */
export class OutputZipsRepository {
  constructor(private readonly db: Queryable) {}

  /** The kept outputs among `ids`, in the order of `ids`. */
  async kept(ids: string[]): Promise<OutputRow[]> {
    const rows = await this.db.query<OutputRow>(
      `select ${columns} ${from} where o.id = any($1::uuid[]) and o.deleted_at is null`,
      [ids],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Records a ticket (by its hash) for `ids`; drops the expired ones on the way. */
  async create(ticketSha256: string, ids: string[], expiresAt: Date): Promise<void> {
    await this.db.query('delete from output_zips where expires_at < now()');
    await this.db.query(
      'insert into output_zips (ticket_sha256, output_ids, expires_at) values ($1, $2, $3)',
      [ticketSha256, ids, expiresAt],
    );
  }

  /** The output ids of a ticket that has not expired, or null. */
  async find(ticketSha256: string): Promise<string[] | null> {
    const rows = await this.db.query<{ ids: string[] }>(
      'select output_ids as ids from output_zips where ticket_sha256 = $1 and expires_at > now()',
      [ticketSha256],
    );
    return rows[0]?.ids ?? null;
  }
}
