import { endpoints, SESSION_COOKIE, type User } from '@podpilot/common';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ActivityRecorder } from '../services/agents/activity-recorder.js';
import type { InstancesService } from '../services/instances/instances.service.js';
import type { LiveClient, LiveFeed, LogFollow } from '../services/instances/live-feed.js';
import { route } from './route.js';

/** How long a browser waits before reconnecting a dropped stream (the SSE `retry:` field). */
const RETRY_MS = 3_000;
/** How often an open stream checks that its session or API token is still valid (logout, revocation). */
const RECHECK_MS = 60_000;

/** Who may keep a stream open: the same checks as the auth plugin, by the credential the request used. */
export interface LiveAuth {
  auth: { userForSession(token: string): Promise<User | null> };
  apiTokens: { authenticate(token: string): Promise<User | null> };
}

async function stillAuthorised(request: FastifyRequest, { auth, apiTokens }: LiveAuth): Promise<boolean> {
  const header = request.headers.authorization;
  if (header) {
    const token = header.split(' ')[1];
    return token ? (await apiTokens.authenticate(token)) !== null : false;
  }
  const session = request.cookies[SESSION_COOKIE];
  return session ? (await auth.userForSession(session)) !== null : false;
}

/**
 * Which log the stream follows: `?instance=<id>` (404 when unknown), from the line after `Last-Event-ID` (a
 * browser's reconnect: the last `logs` batch it got) or else `?after=` (default 0: the whole log).
 */
async function logFollow(
  request: FastifyRequest,
  query: { instance?: string | undefined; after?: number | undefined },
  instances: InstancesService,
): Promise<LogFollow | undefined> {
  if (query.instance === undefined) return undefined;
  await instances.get(query.instance); // 404 for an unknown instance
  const header = request.headers['last-event-id'];
  const resumed = typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
  return { instanceId: query.instance, after: resumed ?? query.after ?? 0 };
}

/**
 * `/api/live`: instances as Server-Sent Events (`instances` on connect, then `instance` and `removed`); with
 * `?instance=<id>[&after=<line id>]` the same stream also carries that instance's log lines as `logs` events
 * (`{ instanceId, lines }`, oldest first, each message's `id:` its last line id: the backlog on connect, then
 * new lines as they are read). The instance page uses it so one stream feeds both its header and its log.
 * Also the activity history of an instance.
 */
export const liveRoutes: FastifyPluginAsyncZod<{
  feed: LiveFeed;
  history: ActivityRecorder;
  instances: InstancesService;
  credentials: LiveAuth;
  /** RECHECK_MS; tests shorten it. */
  recheckMs?: number;
}> = async (app, { feed, history, instances, credentials, recheckMs = RECHECK_MS }) => {
  route(app, endpoints.live.stream, async (request, reply) => {
    // Messages broadcast between subscribing and opening the stream wait here.
    const pending: string[] = [];
    let open = false;
    const raw = reply.raw;
    const client: LiveClient = {
      write: (chunk) => {
        if (open) raw.write(chunk);
        else pending.push(chunk);
      },
      end: () => raw.end(),
    };
    const follow = await logFollow(request, request.query, instances);
    // Throws before anything is sent when the list cannot be read: the client gets a normal error answer.
    const unsubscribe = await feed.subscribe(client, follow);
    reply.hijack();
    request.raw.socket?.setTimeout(0);
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: ${RETRY_MS}\n\n${pending.join('')}`);
    open = true;
    // A logout or a revoked token ends the stream; the browser's reconnect then gets a 401.
    const recheck = setInterval(() => {
      stillAuthorised(request, credentials)
        .then((ok) => {
          if (!ok) raw.end();
        })
        .catch((error: unknown) =>
          request.log.warn({ err: error }, 'live feed: checking the session failed'),
        );
    }, recheckMs);
    recheck.unref();
    const closed = () => {
      clearInterval(recheck);
      unsubscribe();
    };
    if (raw.destroyed) closed();
    else raw.on('close', closed);
  });

  route(app, endpoints.live.instances, async () => ({ instances: await feed.list() }));

  route(app, endpoints.instances.activity, async (request) => {
    const { since } = request.query;
    await instances.get(request.params.id); // 404 for an unknown instance
    return { samples: await history.list(request.params.id, since ? new Date(since) : undefined) };
  });
};
