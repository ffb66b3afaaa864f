import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { modelSiteSecretProblem } from '@podpilot/common';
import type { Db } from '../../db/db.js';
import { iso } from '../../lib/dates.js';
import { HttpError, notFound } from '../../lib/http-error.js';
import { SecretsRepository } from '../../repositories/secrets.repository.js';
import { loadOrCreateKey } from '../../storage/local/signing.js';

export interface SecretsServiceOptions {
  /** base64 of a 32-byte key (`PODPILOT_SECRETS_KEY`); wins over the key file. */
  key?: string | undefined;
  /** Used when `key` is unset: created 0600 on first use. Normally `<PODPILOT_HOME>/keys/secrets.key`. */
  keyFile: string;
}

export const secretsKeyFile = (home: string) => join(home, 'keys', 'secrets.key');

/** Tag and id length of AES-256-GCM as used here. */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A short, non-secret fingerprint of the key, stored with each value so a wrong key is named as such. */
const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/**
 * Provider and model-site credentials, encrypted with AES-256-GCM (a random 96-bit nonce per write, the name as additional
 * data so a ciphertext cannot be moved to another name). Values are never logged and never returned by
 * the API; only the hub reads them (`reveal`): the provider registry, Tailscale, and the model library (which
 * hands an agent the model-site credentials for its own profile's URLs).
 */
export class SecretsService {
  private readonly secrets: SecretsRepository;
  private key: Promise<Buffer> | undefined;

  constructor(
    db: Db,
    private readonly options: SecretsServiceOptions,
  ) {
    this.secrets = new SecretsRepository(db);
  }

  /**
   * Stores (or replaces) the value of `name`. Throws 400 when a model-site secret's value has the wrong shape
   * (a `model-host.<host>.header` that is not `Name: value`, a token with spaces); the message never holds it.
   */
  async put(name: string, value: string): Promise<void> {
    const problem = modelSiteSecretProblem(name, value);
    if (problem)
      throw new HttpError(400, 'invalid_request', `value: ${problem}`, [
        { path: 'body.value', message: problem },
      ]);
    const key = await this.loadKey();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    await this.secrets.upsert({ name, ciphertext, nonce, keyId: keyIdOf(key) });
  }

  /** Names and update times, never values. */
  async list(): Promise<{ name: string; updatedAt: string }[]> {
    return (await this.secrets.list()).map((s) => ({ name: s.name, updatedAt: iso(s.updatedAt) }));
  }

  /** Throws 404 when there is no such secret. */
  async remove(name: string): Promise<void> {
    if (!(await this.secrets.remove(name))) throw notFound(`secret ${name}`);
  }

  /**
   * The plaintext of `name`, or null when unset. For the hub's own use (provider registry) only.
   * Throws when the value was encrypted with another key or was tampered with (the message names no value).
   */
  async reveal(name: string): Promise<string | null> {
    const row = await this.secrets.find(name);
    if (!row) return null;
    const key = await this.loadKey();
    if (row.keyId !== keyIdOf(key)) {
      throw new Error(
        `secret ${name} was stored with another key (set PODPILOT_SECRETS_KEY or store it again)`,
      );
    }
    const body = row.ciphertext.subarray(0, row.ciphertext.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, row.nonce);
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(row.ciphertext.subarray(row.ciphertext.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`secret ${name} cannot be decrypted (corrupted or wrong key)`);
    }
  }

  private loadKey(): Promise<Buffer> {
    this.key ??= (async () => {
      if (this.options.key) {
        const key = Buffer.from(this.options.key, 'base64');
        if (key.length !== 32) throw new Error('PODPILOT_SECRETS_KEY: expected 32 bytes in base64');
        return key;
      }
      return loadOrCreateKey(this.options.keyFile);
    })();
    this.key.catch(() => {
      this.key = undefined;
    });
    return this.key;
  }
}
