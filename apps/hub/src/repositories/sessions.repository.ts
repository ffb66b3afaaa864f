import type { Queryable } from '../db/db.js';

export interface SessionRow {
  id: string;
  userId: string;
  lastSeenAt: Date;
  expiresAt: Date;
}

export class SessionsRepository {
  constructor(private readonly db: Queryable) {}

  async create(
    input: {
      userId: string;
      tokenHash: string;
      expiresAt: Date;
      ip: string | null;
      userAgent: string | null;
    },
    q: Queryable = this.db,
  ): Promise<void> {
    await q.query(
      'insert into sessions (user_id, token_hash, expires_at, ip, user_agent) values ($1, $2, $3, $4, $5)',
      [input.userId, input.tokenHash, input.expiresAt, input.ip, input.userAgent],
    );
  }

  /** The live session for this token hash, or null when unknown or expired. */
  async findLive(tokenHash: string): Promise<SessionRow | null> {
    const rows = await this.db.query<SessionRow>(
      `select id, user_id as "userId", last_seen_at as "lastSeenAt", expires_at as "expiresAt"
         from sessions where token_hash = $1 and expires_at > now()`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  async touch(id: string, expiresAt: Date): Promise<void> {
    await this.db.query('update sessions set last_seen_at = now(), expires_at = $2 where id = $1', [
      id,
      expiresAt,
    ]);
  }

  async deleteByHash(tokenHash: string): Promise<void> {
    await this.db.query('delete from sessions where token_hash = $1', [tokenHash]);
  }

  async deleteExpired(): Promise<number> {
    const rows = await this.db.query('delete from sessions where expires_at <= now() returning id');
    return rows.length;
  }
}
