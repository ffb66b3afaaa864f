import http from 'node:http';
import { cutToCodeUnits, type UiKind, type WebuiBusy } from '@podpilot/common';
import * as z from 'zod';

/** Short names for details ("ComfyUI: 1 running, 2 queued"); the UI_KINDS labels are too long for that. */
const LABELS: Record<UiKind, string> = {
  a1111: 'A1111',
  forge: 'Forge',
  comfyui: 'ComfyUI',
  fooocus: 'Fooocus',
  kohya: 'Kohya',
};

/** What the agent reads of A1111's (and Forge's) `GET /sdapi/v1/progress`; other fields are ignored. */
const A1111Progress = z.object({
  progress: z.number().nullish(),
  state: z.object({
    job: z.string().nullish(),
    // -1 while A1111 has not counted the batch yet: not > 0, but `job` is set then.
    job_count: z.number(),
    job_no: z.number().nullish(),
  }),
});

/** ComfyUI's `GET /queue`: the prompts running and waiting (each a whole workflow; only the counts matter). */
const ComfyQueue = z.object({
  queue_running: z.array(z.unknown()),
  queue_pending: z.array(z.unknown()),
});

// A queue of large workflows is big, but an answer beyond this is not one we understand.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ProbeOptions {
  /** Where the WebUI listens, seen from the agent. Default 127.0.0.1. */
  host?: string;
  /** For the whole request, answer included. Default 3000. */
  timeoutMs?: number;
  /** A keep-alive agent, so successive probes reuse one connection. Default: a new connection each time. */
  agent?: http.Agent;
  /** Told the local port of every connection a probe uses (the connection sampler must skip them). */
  onLocalPort?: (port: number) => void;
}

/** A failure with a reason short enough for a detail line. */
class ProbeFailure extends Error {}

const reasonOf = (error: unknown): string => {
  if (error instanceof ProbeFailure) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  return cutToCodeUnits(code ?? (error as Error).message ?? String(error), 200);
};

function getJsonOnce(port: number, path: string, options: ProbeOptions): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 3000;
  return new Promise((resolve, reject) => {
    const req = http.get({
      host: options.host ?? '127.0.0.1',
      port,
      path,
      agent: options.agent ?? false,
      headers: { accept: 'application/json' },
    });
    const timer = setTimeout(
      () => req.destroy(new ProbeFailure(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (error: unknown) => {
      clearTimeout(timer);
      reject(error);
    };
    req.on('socket', (socket) => {
      const note = () => socket.localPort !== undefined && options.onLocalPort?.(socket.localPort);
      // A reused socket knows its port already; a new one only once connected.
      if (socket.localPort !== undefined) note();
      else socket.once('connect', note);
    });
    req.on('error', fail);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume(); // drain it, so the keep-alive connection stays usable
        fail(new ProbeFailure(`HTTP ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) req.destroy(new ProbeFailure('answer too large'));
        else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new ProbeFailure('not JSON'));
        }
      });
    });
  });
}

/**
 * GET and parse JSON. A kept-alive connection the server closed just as it was reused fails at once
 * ("socket hang up"); that is no answer about the WebUI, so try once more on a new connection.
 */
async function getJson(port: number, path: string, options: ProbeOptions): Promise<unknown> {
  try {
    return await getJsonOnce(port, path, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (options.agent && (code === 'ECONNRESET' || code === 'EPIPE')) return getJsonOnce(port, path, options);
    throw error;
  }
}

const parse = <T>(schema: z.ZodType<T>, value: unknown): T => {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProbeFailure('unexpected answer');
  return result.data;
};

async function probeA1111(label: string, port: number, options: ProbeOptions): Promise<WebuiBusy> {
  const answer = parse(
    A1111Progress,
    await getJson(port, '/sdapi/v1/progress?skip_current_image=true', options),
  );
  const { state } = answer;
  const progress = answer.progress ?? 0;
  const job = state.job ?? '';
  const busy = state.job_count > 0 || progress > 0 || job !== '';
  if (!busy) return { busy: false, source: 'api', detail: `${label}: no job` };
  const percent = `${Math.round(Math.min(1, Math.max(0, progress)) * 100)}%`;
  // job_no counts the finished jobs of the batch; people count the running one from 1.
  const detail =
    state.job_count > 0
      ? `${label}: job ${Math.min((state.job_no ?? 0) + 1, state.job_count)}/${state.job_count} at ${percent}`
      : `${label}: ${job ? `${cutToCodeUnits(job, 100)} ` : 'job '}at ${percent}`;
  return { busy: true, source: 'api', detail };
}

async function probeComfy(label: string, port: number, options: ProbeOptions): Promise<WebuiBusy> {
  const queue = parse(ComfyQueue, await getJson(port, '/queue', options));
  const running = queue.queue_running.length;
  const pending = queue.queue_pending.length;
  return {
    busy: running + pending > 0,
    source: 'api',
    detail: `${label}: ${running} running, ${pending} queued`,
  };
}

/**
 * Asks the WebUI whether it has work: A1111/Forge through `/sdapi/v1/progress`, ComfyUI through `/queue`.
 * Fooocus and Kohya have no stable API for it: `{busy: null, source: 'cpu'}` (the caller reports the
 * WebUI's CPU instead). Never throws: any failure is `{busy: null, source: 'none'}` with the reason.
 */
export async function probeWebui(kind: UiKind, port: number, options: ProbeOptions = {}): Promise<WebuiBusy> {
  const label = LABELS[kind];
  try {
    switch (kind) {
      case 'a1111':
      case 'forge':
        return await probeA1111(label, port, options);
      case 'comfyui':
        return await probeComfy(label, port, options);
      case 'fooocus':
      case 'kohya':
        return { busy: null, source: 'cpu', detail: `${label}: no job API; judged by CPU` };
    }
  } catch (error) {
    return { busy: null, source: 'none', detail: `${label}: cannot ask the WebUI (${reasonOf(error)})` };
  }
}

export interface WebuiProberOptions {
  host?: string;
  timeoutMs?: number;
}

// Ports of recently closed probe connections may linger in the kernel's table for a moment.
const REMEMBERED_PORTS = 16;

/**
 * Probes one WebUI over a single kept-alive connection and remembers the local ports its connections used,
 * so the connection sampler can tell the agent's own probes from client requests.
 */
export class WebuiProber {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
  private readonly ports: number[] = [];

  constructor(private readonly options: WebuiProberOptions = {}) {}

  /** {@link probeWebui} over this prober's connection. */
  probe(kind: UiKind, port: number): Promise<WebuiBusy> {
    return probeWebui(kind, port, {
      ...this.options,
      agent: this.agent,
      onLocalPort: (local) => this.remember(local),
    });
  }

  /** Local ports of the connections the probes used (the latest few). */
  ownLocalPorts(): Set<number> {
    return new Set(this.ports);
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.agent.destroy();
  }

  private remember(port: number): void {
    const at = this.ports.indexOf(port);
    if (at >= 0) this.ports.splice(at, 1);
    this.ports.push(port);
    if (this.ports.length > REMEMBERED_PORTS) this.ports.shift();
  }
}
