import { API_TOKEN_PREFIX, type ApiTokenSummary, type CreatedApiToken, type User } from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { isUniqueViolation } from '../../db/db.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { iso, isoOrNull } from '../../lib/dates.js';
import { conflict, notFound } from '../../lib/http-error.js';
import { type ApiTokenRow, ApiTokensRepository } from '../../repositories/api-tokens.repository.js';
import { UsersRepository } from '../../repositories/users.repository.js';

const toSummary = (row: ApiTokenRow): ApiTokenSummary => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: iso(row.createdAt),
  lastUsedAt: isoOrNull(row.lastUsedAt),
  revokedAt: isoOrNull(row.revokedAt),
});

/** Named API tokens: `pp_` + 256 random bits, shown once, stored as SHA-256, revocable. */
export class ApiTokensService {
  private readonly tokens: ApiTokensRepository;
  private readonly users: UsersRepository;

  constructor(db: Db) {
    this.tokens = new ApiTokensRepository(db);
    this.users = new UsersRepository(db);
  }

  /** Throws 409 when a live token of this user already has the name. */
  async create(user: User, name: string): Promise<CreatedApiToken> {
    const token = randomToken(API_TOKEN_PREFIX);
    try {
      const row = await this.tokens.create({
        userId: user.id,
        name,
        tokenHash: sha256Hex(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
      });
      return { ...toSummary(row), token };
    } catch (error) {
      // Another live token of this user has the name.
      if (isUniqueViolation(error)) {
        throw conflict(`name: a live token named "${name}" already exists; revoke it or pick another name`);
      }
      throw error;
    }
  }

  async list(user: User): Promise<ApiTokenSummary[]> {
    return (await this.tokens.listForUser(user.id)).map(toSummary);
  }

  /** Idempotent for the user's own tokens; 404 for any other id. */
  async revoke(user: User, id: string): Promise<void> {
    if (!(await this.tokens.revoke(id, user.id))) throw notFound(`API token ${id}`);
  }

  /** The user a bearer token belongs to, or null when unknown, revoked or expired. */
  async authenticate(token: string): Promise<User | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    const row = await this.tokens.useLive(sha256Hex(token));
    if (!row) return null;
    const user = await this.users.findById(row.userId);
    return user ? { id: user.id, username: user.username } : null;
  }
}
