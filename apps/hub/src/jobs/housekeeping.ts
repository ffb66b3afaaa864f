import type { FastifyBaseLogger } from 'fastify';
import type { AuthService } from '../services/auth/auth.service.js';
import type { OutputTrash } from '../services/outputs/output-trash.js';

const EVERY_MS = 60 * 60_000;

/**
 * Hourly clean-up: expired sessions, and outputs in the trash past their grace period (files, then rows).
 * Returns a stop function; the timer never keeps the process alive.
 */
export function startHousekeeping(auth: AuthService, trash: OutputTrash, log: FastifyBaseLogger): () => void {
  const run = () => {
    auth.purgeExpiredSessions().then(
      (n) => n > 0 && log.info({ sessions: n }, 'expired sessions removed'),
      (err) => log.warn({ err }, 'session clean-up failed'),
    );
    trash.purge().then(
      (n) => n > 0 && log.info({ outputs: n }, 'deleted outputs purged after their grace period'),
      (err) => log.warn({ err }, 'output purge failed'),
    );
  };
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
