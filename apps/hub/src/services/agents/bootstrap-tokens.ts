import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { AgentCredentialsRepository } from '../../repositories/agent-credentials.repository.js';

/** How long a launch's bootstrap token may wait for its agent's first registration. */
const BOOTSTRAP_TTL_MS = 24 * 3_600_000;

/**
 * Mints the one-time bootstrap token a launch passes to its agent (traded for an agent token at
 * `POST /agent/v1/register`, see AgentsService.register). Its own small service so the lifecycle, which
 * mints one per rental, does not depend on the agent protocol's service (which depends on idle judgement).
 */
export class BootstrapTokens {
  private readonly credentials: AgentCredentialsRepository;

  constructor(db: ConstructorParameters<typeof AgentCredentialsRepository>[0]) {
    this.credentials = new AgentCredentialsRepository(db);
  }

  /** A new token for the instance, valid for `ttlMs`; stored hashed. Each call mints another (not idempotent). */
  async mint(instanceId: string, ttlMs = BOOTSTRAP_TTL_MS): Promise<string> {
    const token = randomToken('ppb_');
    await this.credentials.insert({
      instanceId,
      kind: 'bootstrap',
      tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + ttlMs),
    });
    return token;
  }
}
