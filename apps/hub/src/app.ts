import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import { PODPILOT_VERSION } from '@podpilot/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Db } from './db/db.js';
import type { HubConfig } from './env.js';
import { HttpError } from './lib/http-error.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandler } from './plugins/errors.js';
import { registerMetrics } from './plugins/metrics.js';
import { registerWeb } from './plugins/web.js';
import { authRoutes } from './routes/auth.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { instancesRoutes } from './routes/instances.routes.js';
import { tokensRoutes } from './routes/tokens.routes.js';
import { ApiTokensService } from './services/api-tokens.service.js';
import { AuthService } from './services/auth.service.js';
import { InstancesService } from './services/instances.service.js';

/** A route as registered, for tests and tools that must see every route (e.g. "all /api routes need auth"). */
export interface RegisteredRoute {
  method: string;
  url: string;
  public: boolean;
}

export interface HubApp {
  app: FastifyInstance;
  routes: RegisteredRoute[];
  services: { auth: AuthService; apiTokens: ApiTokensService; instances: InstancesService };
}

export type AppConfig = Pick<HubConfig, 'sessionTtlMs' | 'loginMaxPerMinute' | 'webDir' | 'publicUrl'>;

const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;

/** Builds the hub's HTTP app on an open, migrated database. Does not listen. */
export async function buildApp(config: AppConfig, db: Db, logger?: FastifyBaseLogger): Promise<HubApp> {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    trustProxy: false,
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      routes.push({ method, url: route.url, public: route.config?.public === true });
  });

  const services = {
    auth: new AuthService(db, { sessionTtlMs: config.sessionTtlMs, setupTokenTtlMs: SETUP_TOKEN_TTL_MS }),
    apiTokens: new ApiTokensService(db),
    instances: new InstancesService(db),
  };

  registerErrorHandler(app);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        'rate_limited',
        `too many attempts; try again in ${Math.ceil(context.ttl / 1000)} s`,
      ),
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'PodPilot hub API', version: PODPILOT_VERSION },
      components: {
        securitySchemes: {
          apiToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token (pp_…) from Settings or POST /api/tokens',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'podpilot_session' },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  registerAuth(app, services.auth, services.apiTokens);
  registerMetrics(app);

  const secureCookies = config.publicUrl?.startsWith('https:') ?? false;
  await app.register(healthRoutes, { db });
  await app.register(authRoutes, {
    auth: services.auth,
    secureCookies,
    loginMaxPerMinute: config.loginMaxPerMinute,
  });
  await app.register(tokensRoutes, { apiTokens: services.apiTokens });
  await app.register(instancesRoutes, { instances: services.instances });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await registerWeb(app, config.webDir);
  await app.ready();
  return { app, routes, services };
}
