import { hash, verify } from '@node-rs/argon2';
import type { User } from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { HttpError, unauthorized } from '../../lib/http-error.js';
import { SessionsRepository } from '../../repositories/sessions.repository.js';
import { SetupTokensRepository } from '../../repositories/setup-tokens.repository.js';
import { UsersRepository } from '../../repositories/users.repository.js';

export interface AuthOptions {
  sessionTtlMs: number;
  setupTokenTtlMs: number;
}

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

/** A fresh session: the token goes into the cookie and is never stored in clear. */
export interface NewSession {
  user: User;
  token: string;
  expiresAt: Date;
}

/** Sessions slide forward on use, at most this often (saves a write per request). */
const TOUCH_EVERY_MS = 5 * 60_000;

const toUser = (row: { id: string; username: string }): User => ({ id: row.id, username: row.username });

/** Owner setup, login, sessions. The single owner is called `owner`; more users can come later. */
export class AuthService {
  private readonly users: UsersRepository;
  private readonly sessions: SessionsRepository;
  private readonly setupTokens: SetupTokensRepository;

  constructor(
    private readonly db: Db,
    private readonly options: AuthOptions,
  ) {
    this.users = new UsersRepository(db);
    this.sessions = new SessionsRepository(db);
    this.setupTokens = new SetupTokensRepository(db);
  }

  async isSetupRequired(): Promise<boolean> {
    return (await this.users.findOwner()) === null;
  }

  /**
   * While no owner exists, mints a new one-time setup token (invalidating older links) and returns it;
   * returns null once the owner is set.
   */
  async issueSetupToken(): Promise<string | null> {
    if (!(await this.isSetupRequired())) return null;
    const token = randomToken();
    await this.setupTokens.replace(sha256Hex(token), new Date(Date.now() + this.options.setupTokenTtlMs));
    return token;
  }

  /** Sets the owner password with a setup token. Throws 409 once set up, 403 for a bad or used token. */
  async completeSetup(token: string, password: string, meta: ClientMeta): Promise<NewSession> {
    if (!(await this.isSetupRequired()))
      throw new HttpError(409, 'setup_done', 'the owner password is already set');
    const passwordHash = await hash(password); // slow on purpose: outside the transaction
    const user = await this.db.transaction(async (tx) => {
      if (await this.users.findOwner(tx))
        throw new HttpError(409, 'setup_done', 'the owner password is already set');
      if (!(await this.setupTokens.consume(sha256Hex(token), tx))) {
        throw new HttpError(
          403,
          'forbidden',
          'the setup link is invalid, expired or already used; restart the hub to get a new one',
        );
      }
      return this.users.createOwner('owner', passwordHash, tx);
    });
    return this.createSession(user, meta);
  }

  /** Checks the owner password. Throws 409 before setup, 401 for a wrong password. */
  async login(password: string, meta: ClientMeta): Promise<NewSession> {
    const owner = await this.users.findOwner();
    if (!owner)
      throw new HttpError(409, 'setup_required', 'set the owner password first with the setup link');
    if (!(await verify(owner.passwordHash, password))) throw unauthorized('wrong password');
    return this.createSession(owner, meta);
  }

  /** The owner, or null before setup (the `tailscale serve` identity login). */
  async owner(): Promise<User | null> {
    const owner = await this.users.findOwner();
    return owner ? toUser(owner) : null;
  }

  /** The user behind a session cookie, or null for an unknown or expired session. Slides the expiry. */
  async userForSession(token: string): Promise<User | null> {
    const session = await this.sessions.findLive(sha256Hex(token));
    if (!session) return null;
    if (Date.now() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await this.sessions.touch(session.id, new Date(Date.now() + this.options.sessionTtlMs));
    }
    const user = await this.users.findById(session.userId);
    return user ? toUser(user) : null;
  }

  async logout(token: string): Promise<void> {
    await this.sessions.deleteByHash(sha256Hex(token));
  }

  async purgeExpiredSessions(): Promise<number> {
    return this.sessions.deleteExpired();
  }

  private async createSession(user: { id: string; username: string }, meta: ClientMeta): Promise<NewSession> {
    const token = randomToken();
    const expiresAt = new Date(Date.now() + this.options.sessionTtlMs);
    await this.sessions.create({ userId: user.id, tokenHash: sha256Hex(token), expiresAt, ...meta });
    return { user: toUser(user), token, expiresAt };
  }
}
