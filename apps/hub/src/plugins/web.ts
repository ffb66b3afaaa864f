import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../lib/http-error.js';
import { registerSecurityHeaders, type SecurityHeadersOptions } from './security-headers.js';

const API_PREFIXES = ['/api/', '/agent/', '/health', '/metrics'];

/**
 * Serves the built web app; any other GET that is not an API path gets index.html so the client router
 * can handle deep links (/setup, /login, …). Without a build, says how to make one. Also sets the security
 * headers (CSP, nosniff, …) on every answer of the app, API included; `security.storageOrigins` names the
 * S3/R2 origin thumbnails and uploads use.
 */
export async function registerWeb(
  app: FastifyInstance,
  webDir: string,
  security: SecurityHeadersOptions = {},
): Promise<void> {
  registerSecurityHeaders(app, security);
  const hasBuild = existsSync(join(webDir, 'index.html'));
  if (hasBuild) {
    // `preCompressed`: the build writes `.br` and `.gz` beside each asset (scripts/precompress.mjs); the one
    // the browser accepts is sent as it is, with no compression work per request.
    await app.register(fastifyStatic, {
      root: webDir,
      wildcard: false,
      index: false,
      cacheControl: false,
      preCompressed: true,
    });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const isPage = request.method === 'GET' && !API_PREFIXES.some((p) => request.url.startsWith(p));
    if (!isPage) throw notFound(`${request.method} ${request.url.split('?')[0]}`);
    if (!hasBuild) {
      return reply
        .code(503)
        .type('text/plain')
        .send(`The PodPilot web app is not built (no ${webDir}/index.html). Run: npm run build`);
    }
    // Hashed assets are immutable; index.html must always be fresh to pick up new builds.
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
  if (hasBuild) {
    app.addHook('onSend', async (request, reply) => {
      if (request.url.startsWith('/assets/') && reply.statusCode === 200) {
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      }
    });
  }
}
