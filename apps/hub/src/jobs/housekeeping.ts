import type { FastifyBaseLogger } from 'fastify';
import type { AuthService } from '../services/auth/auth.service.js';

const EVERY_MS = 60 * 60_000;

/** Hourly clean-up of expired sessions. Returns a stop function; the timer never keeps the process alive. */
export function startHousekeeping(auth: AuthService, log: FastifyBaseLogger): () => void {
  const run = () =>
    auth.purgeExpiredSessions().then(
      (n) => n > 0 && log.info({ sessions: n }, 'expired sessions removed'),
      (err) => log.warn({ err }, 'session clean-up failed'),
    );
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
