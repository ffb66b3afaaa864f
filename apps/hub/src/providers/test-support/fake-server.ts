/**
 * The machinery the provider and Tailscale fakes share: a real node:http server on 127.0.0.1, routes by
 * name, a call log, and a queue of faults per route. Test code only.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A clock tests move by hand, so instance status changes are deterministic. */
export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

/** Starts on a whole second (HTTP dates in Retry-After have second precision). */
export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface FakeReply {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is instead of `body`, with no default content type (Tailscale's HuJSON policy). */
  text?: string;
  headers?: Record<string, string>;
}

export interface FakeRequest {
  method: string;
  url: URL;
  params: Record<string, string>;
  /** JSON, or the fields of a form-encoded body (with `formBodies`); null when empty. */
  body: unknown;
  /** The body as sent. */
  text: string;
  headers: IncomingHttpHeaders;
  /** What `authenticate` says the caller used; null only on `open` routes. */
  credential: string | null;
}

export interface FakeRoute<R extends string> {
  name: R;
  method: string;
  /** Matched against the path; named groups become `params`. */
  path: RegExp;
  /** Narrows routes sharing method and path (Vast's stop/start are both `PUT /instances/{id}/`). */
  when?: (body: unknown) => boolean;
  /** Answered without credentials (an OAuth token endpoint). */
  open?: boolean;
  handle(request: FakeRequest): FakeReply;
}

export type Fault =
  | { kind: 'fail'; status: number; body?: unknown }
  | { kind: 'rateLimit'; retryAfter: number | string }
  /** Never answers (until close). With `mutate`, the change happens first. */
  | { kind: 'timeout'; mutate: boolean }
  /** Performs the change, then drops the connection before answering. */
  | { kind: 'loseResponse' };

export interface CallRecord<R extends string = string> {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The route's name, or null when nothing matched. */
  route: R | null;
  /** As `FakeRequest.body`. */
  body: unknown;
  /** How the caller authenticated (never the key itself). */
  auth: 'bearer' | 'query' | 'none' | 'wrong';
  /** The status sent, or what happened instead. */
  outcome: number | 'lost' | 'hung';
}

/** How a caller authenticated: the log's `auth`, and for an accepted caller what handlers see as `credential`. */
export interface FakeAuth {
  record: CallRecord['auth'];
  credential: string | null;
}

export interface FakeServerOptions {
  apiKey: string;
  /** Also accept the key as `?api_key=` (Vast's CLI sends it so). */
  queryKey?: boolean;
  /** The provider's error body for a status and message. */
  errorBody(status: number, message: string): unknown;
  /** Content type of error answers. */
  errorType?: string;
  /** Also take application/x-www-form-urlencoded bodies (as their fields); otherwise bodies must be JSON. */
  formBodies?: boolean;
  /** Messages of the 401 and injected 429 answers, where the provider words them its own way. */
  unauthorizedMessage?: string;
  rateLimitMessage?: string;
  /** Status of the answer to a missing or wrong key (Vast: 404); its body stays `errorBody(401, …)`. */
  unauthorizedStatus?: number;
}

/** Fault injection and inspection common to both fakes; a fake supplies its routes. */
export abstract class FakeServer<R extends string> {
  readonly calls: CallRecord<R>[] = [];
  private readonly faults = new Map<R, Fault[]>();
  private readonly server = createServer((req, res) => {
    // A bug in a fake answers 500 with its message rather than hanging the test until its timeout.
    this.serve(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(this.options.errorBody(500, `fake crashed: ${String(error)}`)));
    });
  });
  private readonly hung = new Set<ServerResponse>();
  private routeTable: FakeRoute<R>[] | undefined;
  /** `http://127.0.0.1:<port>` once listening. */
  url = '';

  constructor(private readonly options: FakeServerOptions) {}

  protected abstract routes(): FakeRoute<R>[];

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** The next request on `route` answers `status` (the provider's error body unless `body` is given). */
  fail(route: R, options: { status: number; body?: unknown }): void {
    this.push(route, { kind: 'fail', ...options });
  }

  /** The next request on `route` answers 429 with `Retry-After` (seconds, or an HTTP date string). */
  rateLimit(route: R, retryAfter: number | string): void {
    this.push(route, { kind: 'rateLimit', retryAfter });
  }

  /** The next request on `route` never gets an answer; with `mutate`, its change is still made. */
  timeout(route: R, options: { mutate?: boolean } = {}): void {
    this.push(route, { kind: 'timeout', mutate: options.mutate ?? false });
  }

  /** The next request on `route` is carried out, then its connection is destroyed before the answer. */
  loseResponse(route: R): void {
    this.push(route, { kind: 'loseResponse' });
  }

  /** Calls on one route, in order. */
  callsTo(route: R): CallRecord<R>[] {
    return this.calls.filter((call) => call.route === route);
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private push(route: R, fault: Fault): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), fault]);
  }

  /** The fixed API key as a bearer token (or `?api_key=` with `queryKey`); a fake with other credentials overrides. */
  protected authenticate(req: IncomingMessage, url: URL): FakeAuth {
    const header = req.headers.authorization;
    const query = this.options.queryKey ? url.searchParams.get('api_key') : null;
    if (header === `Bearer ${this.options.apiKey}`) return { record: 'bearer', credential: 'bearer' };
    if (query === this.options.apiKey) return { record: 'query', credential: 'query' };
    return { record: header || query ? 'wrong' : 'none', credential: null };
  }

  /** An answer that comes before faults and the handler (Tailscale's unknown tailnet); none by default. */
  protected refuse(_request: FakeRequest): FakeReply | undefined {
    return undefined;
  }

  private parse(req: IncomingMessage, text: string): unknown {
    if (!text) return null;
    const type = req.headers['content-type'] ?? '';
    if (this.options.formBodies && type.startsWith('application/x-www-form-urlencoded')) {
      return Object.fromEntries(new URLSearchParams(text));
    }
    return JSON.parse(text);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const query = Object.fromEntries([...url.searchParams].filter(([key]) => key !== 'api_key'));
    const auth = this.authenticate(req, url);
    const call: CallRecord<R> = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      route: null,
      body: null,
      auth: auth.record,
      outcome: 0,
    };
    this.calls.push(call);
    const send = (reply: FakeReply) => {
      call.outcome = reply.status;
      const type = reply.status >= 400 ? (this.options.errorType ?? 'application/json') : 'application/json';
      const json = reply.body === undefined ? '' : JSON.stringify(reply.body);
      const payload = reply.text ?? json;
      const typed = reply.text === undefined && payload;
      res.writeHead(reply.status, { ...(typed ? { 'content-type': type } : {}), ...reply.headers });
      res.end(payload);
    };
    const error = (status: number, message: string) =>
      send({ status, body: this.options.errorBody(status, message) });
    try {
      call.body = this.parse(req, text);
    } catch {
      return error(400, 'request body is not valid JSON');
    }
    let params: Record<string, string> = {};
    this.routeTable ??= this.routes();
    const route = this.routeTable.find((candidate) => {
      const match = candidate.method === call.method ? candidate.path.exec(url.pathname) : null;
      if (!match || (candidate.when && !candidate.when(call.body))) return false;
      params = { ...match.groups };
      return true;
    });
    if (route) call.route = route.name;
    if (!auth.credential && !route?.open) {
      const message = this.options.unauthorizedMessage ?? 'invalid or missing API key';
      return send({
        status: this.options.unauthorizedStatus ?? 401,
        body: this.options.errorBody(401, message),
      });
    }
    if (!route) return error(404, `no route for ${call.method} ${url.pathname}`);
    const { credential } = auth;
    const request = {
      method: call.method,
      url,
      params,
      body: call.body,
      text,
      headers: req.headers,
      credential,
    };
    const refusal = this.refuse(request);
    if (refusal) return send(refusal);
    const fault = this.faults.get(route.name)?.shift();
    if (fault?.kind === 'fail') {
      return send({
        status: fault.status,
        body: fault.body ?? this.options.errorBody(fault.status, 'injected'),
      });
    }
    if (fault?.kind === 'rateLimit') {
      call.outcome = 429;
      const body = this.options.errorBody(429, this.options.rateLimitMessage ?? 'too many requests');
      return send({ status: 429, body, headers: { 'retry-after': String(fault.retryAfter) } });
    }
    if (fault?.kind === 'timeout') {
      if (fault.mutate) route.handle(request);
      call.outcome = 'hung';
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    const reply = route.handle(request);
    if (fault?.kind === 'loseResponse') {
      call.outcome = 'lost';
      req.socket.destroy();
      return;
    }
    send(reply);
  }
}
