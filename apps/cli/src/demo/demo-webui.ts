// PodPilot's demo UI: a stand-in for ComfyUI written for plain Node (no Python, GPU, model or network). It
// speaks the part of ComfyUI's HTTP API that PodPilot and its users touch (`POST /prompt`, `GET /queue`,
// `/history`, `/view`, `/system_stats`), takes `--listen ADDR --port N` like ComfyUI, and saves each picture
// as `output/<prefix>_NNNNN_.png` with ComfyUI's `prompt` (and `workflow`) text chunks. `podpilot demo` copies
// the compiled files into a git repository and runs it as a profile of kind comfyui with `ui.command`.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEMO_PAGE } from './demo-page.js';
import { DemoQueue } from './demo-queue.js';

export interface DemoUiOptions {
  listen: string;
  port: number;
  /** Where pictures are saved (ComfyUI's `output/`). */
  outputDir: string;
  /** Waits while a job "samples", so it is seen running (default 150 ms a step). */
  pace?: (steps: number) => Promise<void>;
  /** Told each saved file (default: nothing). */
  log?: (line: string) => void;
}

export interface DemoUi {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const data = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, { 'content-type': type, 'content-length': data.length, 'cache-control': 'no-store' });
  res.end(data);
}

/** A ComfyUI-shaped refusal of a prompt. */
const refusal = (type: string, message: string) => ({
  error: { type, message, details: '', extra_info: {} },
  node_errors: {},
});

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > MAX_BODY) throw new Error(`the request is over ${MAX_BODY} bytes`);
    parts.push(part);
  }
  return Buffer.concat(parts).toString('utf8');
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

async function postPrompt(queue: DemoQueue, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Parameters<DemoQueue['submit']>[0];
  try {
    body = JSON.parse(await readBody(req));
  } catch (error) {
    return send(res, 400, refusal('invalid_prompt', `expected a JSON body: ${(error as Error).message}`));
  }
  try {
    send(res, 200, queue.submit(body));
  } catch (error) {
    send(res, 400, refusal('prompt_no_outputs', (error as Error).message));
  }
}

/** `GET /view?filename=&subfolder=&type=output`: a saved picture, and nothing outside the output folder. */
function view(outputDir: string, res: ServerResponse, url: URL): void {
  const name = url.searchParams.get('filename') ?? '';
  const inOutput =
    (url.searchParams.get('type') ?? 'output') === 'output' &&
    (url.searchParams.get('subfolder') ?? '') === '' &&
    name !== '' &&
    name === basename(name);
  let picture: Buffer | null = null;
  try {
    if (inOutput) picture = readFileSync(join(outputDir, name));
  } catch {
    // A name that is not there: 404 below.
  }
  if (picture) send(res, 200, picture, 'image/png');
  else send(res, 404, 'not found', 'text/plain');
}

function routes(queue: DemoQueue, outputDir: string): Record<string, Handler> {
  return {
    'GET /': (_req, res) => send(res, 200, DEMO_PAGE, 'text/html; charset=utf-8'),
    'GET /queue': (_req, res) => send(res, 200, queue.queue()),
    'GET /prompt': (_req, res) => send(res, 200, { exec_info: { queue_remaining: queue.remaining() } }),
    'POST /prompt': (req, res) => postPrompt(queue, req, res),
    'GET /history': (_req, res, url) =>
      send(res, 200, queue.history(Number(url.searchParams.get('max_items')))),
    'GET /view': (_req, res, url) => view(outputDir, res, url),
    'GET /system_stats': (_req, res) =>
      send(res, 200, {
        system: {
          os: process.platform,
          comfyui_version: 'podpilot-demo',
          python_version: 'none',
          argv: process.argv,
        },
        devices: [],
      }),
  };
}

/** The HTTP server and its one-at-a-time queue. Resolves once listening. */
export async function startDemoUi(options: DemoUiOptions): Promise<DemoUi> {
  const pace = options.pace ?? ((steps) => new Promise<void>((done) => setTimeout(done, steps * 150)));
  const queue = new DemoQueue(options.outputDir, pace, options.log);
  const table = routes(queue, options.outputDir);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo');
    const one = /^\/history\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && one) return send(res, 200, queue.history(undefined, one[1]));
    const route = table[`${req.method} ${url.pathname}`];
    if (!route) return send(res, 404, 'not found', 'text/plain');
    Promise.resolve(route(req, res, url)).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, refusal('server_error', error.message));
    });
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(options.port, options.listen, () => listening());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.listen === '0.0.0.0' ? '127.0.0.1' : options.listen;
  return {
    url: `http://${host}:${port}`,
    close: () => {
      queue.close();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

/** ComfyUI's flags: `--listen ADDR`, `--port N`, `--output-directory DIR`; the rest is ignored. */
function flag(args: string[], name: string): string | undefined {
  const at = args.lastIndexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const ui = await startDemoUi({
    listen: flag(args, '--listen') ?? '127.0.0.1',
    port: Number(flag(args, '--port') ?? 8188),
    outputDir: resolve(flag(args, '--output-directory') ?? 'output'),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`PodPilot demo UI (a ComfyUI stand-in)\nTo see the GUI go to: ${ui.url}\n`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => void ui.close().then(() => process.exit(0)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`demo UI: ${error.message}\n`);
    process.exit(1);
  });
