import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { afterEach, vi } from 'vitest';
import { HubClient } from '../lib/hub-client.js';

/** A request the stub saw. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** What a route answers: a status and JSON body, `'drop'` to cut the connection without an answer. */
export type StubAnswer = { status: number; body?: unknown } | 'drop';
export type StubRoute = (req: SeenRequest) => StubAnswer | Promise<StubAnswer>;

/**
 * A tiny HTTP server on 127.0.0.1 standing in for the hub: routes are `"METHOD /path"` (no query), the
 * requests it got are kept in `seen`, unknown routes answer 404 the way the hub does.
 */
export async function stubHub(routes: Record<string, StubRoute>) {
  const seen: SeenRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const url = new URL(req.url ?? '/', 'http://stub');
    const request: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    seen.push(request);
    const route = routes[`${request.method} ${request.path}`];
    const answer: StubAnswer = route
      ? await route(request)
      : { status: 404, body: { error: { code: 'not_found', message: `no route ${request.path}` } } };
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    if (answer.body === undefined) res.writeHead(answer.status).end();
    else
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    client: new HubClient({ hubUrl: url, token: 'pp_test' }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An instance as the hub answers it; `overrides` change any field. */
export function instance(overrides: Record<string, unknown> = {}) {
  return {
    id: '0a1b2c3d-0000-4000-8000-000000000001',
    name: 'box',
    provider: 'vastai',
    providerInstanceId: null,
    state: 'requested',
    stateReason: null,
    gpuName: 'RTX 4090',
    gpuCount: 1,
    pricePerHour: 0.42,
    createdAt: '2026-11-28T10:00:00.000Z',
    stateChangedAt: '2026-11-28T10:00:00.000Z',
    profile: { name: 'sdxl', version: 3 },
    agent: null,
    ...overrides,
  };
}

/** Collects what is written to stdout and stderr (restore with `vi.restoreAllMocks()`). */
export function captureOutput() {
  const out = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk) => {
      out[stream] += String(chunk);
      return true;
    });
  capture('stdout');
  capture('stderr');
  return out;
}

/** What one CLI run printed, how it ended (a thrown error, or undefined) and what the stub hub saw. */
export interface CommandRun {
  stdout: string;
  stderr: string;
  error: unknown;
  seen: SeenRequest[];
}

/**
 * A runner of the commands `register` adds, each run against a new stub hub answering `defaults` and the run's
 * own `routes`, with PODPILOT_URL/PODPILOT_TOKEN pointing at it and the output captured. Call it in a
 * `describe`: its `afterEach` closes the hubs and restores the environment.
 */
export function commandRunner(
  register: (program: Command) => void,
  defaults: Record<string, StubRoute> = {},
): ((args: string[], routes?: Record<string, StubRoute>) => Promise<CommandRun>) & {
  /** The requests each run's hub saw in the current test, in run order. */
  seenByRun: SeenRequest[][];
} {
  const hubs: Awaited<ReturnType<typeof stubHub>>[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    for (const hub of hubs.splice(0)) await hub.close();
  });
  const run = async (args: string[], routes: Record<string, StubRoute> = {}) => {
    const hub = await stubHub({ ...defaults, ...routes });
    hubs.push(hub);
    vi.stubEnv('PODPILOT_URL', hub.url);
    vi.stubEnv('PODPILOT_TOKEN', 'pp_test');
    const output = captureOutput();
    const program = new Command('podpilot').exitOverride();
    register(program);
    let error: unknown;
    await program.parseAsync(args, { from: 'user' }).catch((e: unknown) => {
      error = e;
    });
    return { ...output, error, seen: hub.seen };
  };
  // A getter (Object.assign would copy one value): each read sees the current test's hubs.
  return Object.defineProperty(run, 'seenByRun', { get: () => hubs.map((hub) => hub.seen) }) as typeof run & {
    seenByRun: SeenRequest[][];
  };
}
