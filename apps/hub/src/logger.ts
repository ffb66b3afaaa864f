import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { HubConfig } from './env.js';

/** Secrets that must never reach a log line, wherever they appear in a logged object. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
  '*.env.PODPILOT_BOOTSTRAP_TOKEN',
];

/**
 * A request as logged: a presigned storage URL's query (its signature) is left out — whoever reads the log
 * must not be able to replay the URL.
 */
export function requestForLog(req: { method: string; url: string; host?: string; ip?: string }) {
  return {
    method: req.method,
    url: req.url.startsWith('/storage/') ? (req.url.split('?')[0] ?? req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
  };
}

/** JSON lines for machines, or pretty lines for a terminal (in-process, no worker thread). */
export function createLogger(config: Pick<HubConfig, 'logLevel' | 'logFormat'>): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { app: 'hub' },
    serializers: { req: requestForLog },
  };
  if (config.logFormat === 'pretty') {
    return pino(options, pretty({ colorize: process.stdout.isTTY, ignore: 'pid,hostname,app', sync: true }));
  }
  return pino(options);
}
