import type { Queryable } from '../db/db.js';

export interface ApiTokenRow {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const columns = `id, user_id as "userId", name, token_prefix as "prefix", created_at as "createdAt",
  last_used_at as "lastUsedAt", revoked_at as "revokedAt"`;

export class ApiTokensRepository {
  constructor(private readonly db: Queryable) {}

  async create(input: {
    userId: string;
    name: string;
    tokenHash: string;
    prefix: string;
  }): Promise<ApiTokenRow> {
    const rows = await this.db.query<ApiTokenRow>(
      `insert into api_tokens (user_id, name, token_hash, token_prefix) values ($1, $2, $3, $4) returning ${columns}`,
      [input.userId, input.name, input.tokenHash, input.prefix],
    );
    return rows[0] as ApiTokenRow;
  }

  async listForUser(userId: string): Promise<ApiTokenRow[]> {
    return this.db.query<ApiTokenRow>(
      `select ${columns} from api_tokens where user_id = $1 order by created_at desc`,
      [userId],
    );
  }

  /** The token if it exists, is not revoked and not expired; records its use. */
  async useLive(tokenHash: string): Promise<ApiTokenRow | null> {
    const rows = await this.db.query<ApiTokenRow>(
      `update api_tokens set last_used_at = now()
        where token_hash = $1 and revoked_at is null and (expires_at is null or expires_at > now())
        returning ${columns}`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  /** Revokes one of the user's tokens; false when there is no such token. Idempotent. */
  async revoke(id: string, userId: string): Promise<boolean> {
    const rows = await this.db.query(
      `update api_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 and user_id = $2 returning id`,
      [id, userId],
    );
    return rows.length === 1;
  }
}
