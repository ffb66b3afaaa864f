import type { Endpoint } from '@podpilot/common';
import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifyContextConfig,
  FastifyInstance,
  FastifySchema,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

type Part<E, K extends string> = E extends { readonly [P in K]: infer S } ? S : undefined;

/** The Fastify schema of a catalogue entry: what fastify-type-provider-zod types the handler from. */
export interface RouteSchema<E extends Endpoint> extends FastifySchema {
  tags: string[];
  summary: string;
  params: Part<E, 'params'>;
  querystring: Part<E, 'query'>;
  body: Part<E, 'body'>;
  response: E['responses'];
}

/** The app a route file gets from `FastifyPluginAsyncZod`. */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A handler of entry `E`: params, query and body typed from its schemas, the answer from its responses. */
export type EndpointHandler<E extends Endpoint> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGenericInterface,
  ContextConfigDefault,
  RouteSchema<E>,
  ZodTypeProvider,
  FastifyBaseLogger
>;

/** What a route adds to its entry: route config (rate limits) and a larger body limit. */
export interface RouteExtras {
  config?: FastifyContextConfig;
  bodyLimit?: number;
  /** The request log's level for this route: `warn` keeps a route called every few seconds by each agent out of it. */
  logLevel?: 'warn';
}

/** The entry's schemas as Fastify takes them (absent parts left out, as a hand-written route would). */
function schemaOf(endpoint: Endpoint): FastifySchema {
  const schema: Record<string, unknown> = { tags: [...endpoint.tags], summary: endpoint.summary };
  if (endpoint.params) schema.params = endpoint.params;
  if (endpoint.query) schema.querystring = endpoint.query;
  if (endpoint.body) schema.body = endpoint.body;
  if (Object.keys(endpoint.responses).length) schema.response = endpoint.responses;
  return schema;
}

/**
 * A public entry under `/api` or `/agent/v1`, whose auth hooks skip routes marked `config.public`; other
 * paths (`/health`) pass no auth hook and need no mark.
 */
const exemptFromAuth = (endpoint: Endpoint) =>
  endpoint.auth === 'public' && /^\/(api|agent)\//.test(endpoint.path);

/**
 * Registers the route of a catalogue entry: its method and path, its schemas (requests validated, answers
 * checked, OpenAPI described) and, for `public` API entries, `config.public` (reachable without auth).
 */
export function route<E extends Endpoint>(
  app: ZodApp,
  endpoint: E,
  handler: EndpointHandler<E>,
  extras: RouteExtras = {},
): void {
  app.route<RouteGenericInterface, ContextConfigDefault, RouteSchema<E>>({
    method: endpoint.method,
    url: endpoint.path,
    ...(extras.bodyLimit === undefined ? {} : { bodyLimit: extras.bodyLimit }),
    ...(extras.logLevel === undefined ? {} : { logLevel: extras.logLevel }),
    config: { ...(exemptFromAuth(endpoint) ? { public: true } : {}), ...extras.config },
    schema: schemaOf(endpoint) as RouteSchema<E>,
    handler,
  });
}
