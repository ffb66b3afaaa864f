// The simulated agents of the hub-load benchmark: registered by the hub process (bench/support/load-hub.ts),
// each does what a ready agent does, at the agent's own cadence (apps/agent: heartbeat every 5 s with the facts it
// gathers, log lines as the WebUI prints them, a picture now and then synced through presign → PUT →
// confirm). Heartbeat round trips are timed; everything else is load. Owners watch the dashboard's SSE feed.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { AGENT_PROTOCOL_VERSION } from '../../packages/common/src/index.js';

const agentPool = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

export const HEARTBEAT_MS = 5_000;
const OUTPUT_EVERY_MS = 60_000;
/** A 1×1 PNG: a picture whose thumbnail the hub makes, as it does for every image. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PNG_SHA = createHash('sha256').update(PNG).digest('hex');

/** One HTTP exchange; resolves with the status and the body's text. */
function request(url: string, method: string, headers: Record<string, string>, body?: string | Buffer) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: agentPool }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function postJson<T>(url: string, token: string | null, body: unknown): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await request(url, 'POST', headers, JSON.stringify(body));
  if (res.status >= 300)
    throw new Error(`POST ${new URL(url).pathname}: ${res.status} ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text) as T;
}

/** What a ready ComfyUI agent reports: busy half a minute of every two (a queue of pictures), idle the rest. */
function facts(beat: number, outputs: number, lastOutputAt: number) {
  const busy = beat % 24 < 6;
  return {
    agentVersion: '0.1.0',
    protocolVersion: AGENT_PROTOCOL_VERSION,
    sentAt: new Date().toISOString(),
    phase: 'ready',
    webui: { state: 'running', port: 8188, restarts: 0 },
    diskFreeBytes: 80e9,
    sync: {
      backlogFiles: 0,
      backlogBytes: 0,
      syncedFiles: outputs,
      syncedBytes: outputs * PNG.length,
      lastSyncAt: outputs ? new Date(lastOutputAt).toISOString() : null,
      lastError: null,
    },
    activity: {
      gpus: [
        {
          index: 0,
          name: 'NVIDIA GeForce RTX 4090',
          utilizationPercent: busy ? 97 : 0,
          memoryUsedMiB: busy ? 14_000 : 600,
          memoryTotalMiB: 24_564,
        },
      ],
      webui: busy
        ? { busy: true, source: 'api', detail: 'ComfyUI: 1 running' }
        : { busy: false, source: 'api' },
      webuiCpuPercent: busy ? 40 : 1,
      secondsSinceOutput: outputs ? Math.round((Date.now() - lastOutputAt) / 1000) : null,
      secondsSinceRequest: null,
      openConnections: 1,
    },
    acknowledged: [],
  };
}

export interface LoadStats {
  /** Heartbeat round trips in ms, this window. */
  latencies: number[];
  errors: number;
  firstError: string | null;
}

/** One simulated agent; `start` keeps it busy until `stop()`. */
export class SimulatedAgent {
  /** Where in its busy/idle cycle the agent starts: the fleet is not busy all at once. */
  private beat = Math.floor(Math.random() * 24);
  private timers: NodeJS.Timeout[] = [];
  private lastOutputAt = Date.now();
  private outputs = 0;

  constructor(
    private readonly hubUrl: string,
    private readonly token: string,
    private readonly stats: LoadStats,
  ) {}

  start(): void {
    // Agents start at random moments: spread each one's cadence over the interval.
    const phase = Math.random() * HEARTBEAT_MS;
    this.timers.push(
      setTimeout(() => this.every(HEARTBEAT_MS, () => this.heartbeat()), phase),
      setTimeout(() => this.every(HEARTBEAT_MS, () => this.logs()), phase + HEARTBEAT_MS / 2),
      setTimeout(() => this.every(OUTPUT_EVERY_MS, () => this.output()), Math.random() * OUTPUT_EVERY_MS),
    );
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  private every(ms: number, work: () => Promise<void>) {
    const run = () =>
      void work().catch((error: Error) => {
        this.stats.errors++;
        this.stats.firstError ??= error.message;
      });
    run();
    this.timers.push(setInterval(run, ms));
  }

  private async heartbeat() {
    const started = performance.now();
    await postJson(
      `${this.hubUrl}/agent/v1/heartbeat`,
      this.token,
      facts(this.beat++, this.outputs, this.lastOutputAt),
    );
    this.stats.latencies.push(performance.now() - started);
  }

  private async logs() {
    const at = new Date().toISOString();
    const lines = [1, 2, 3].map((n) => ({
      stream: 'webui',
      at,
      line: `100%|██████████| 20/20 [00:0${n}<00:00]`,
    }));
    await postJson(`${this.hubUrl}/agent/v1/logs`, this.token, { lines });
  }

  private async output() {
    const file = {
      path: `output/ComfyUI_${randomUUID().slice(0, 8)}_.png`,
      sizeBytes: PNG.length,
      sha256: PNG_SHA,
      mtime: new Date().toISOString(),
    };
    const plan = await postJson<{ files: { status: string; key: string; version: number; url: string }[] }>(
      `${this.hubUrl}/agent/v1/outputs/presign`,
      this.token,
      { files: [file] },
    );
    const [upload] = plan.files;
    if (upload?.status !== 'put') throw new Error(`presign: ${JSON.stringify(upload)}`);
    const put = await request(upload.url, 'PUT', { 'content-length': String(PNG.length) }, PNG);
    if (put.status >= 300) throw new Error(`PUT: ${put.status}`);
    await postJson(`${this.hubUrl}/agent/v1/outputs/confirm`, this.token, {
      files: [{ ...file, key: upload.key, version: upload.version }],
    });
    this.lastOutputAt = Date.now();
    this.outputs++;
  }
}

/** An owner's dashboard: the SSE feed of every instance, read until `close()`; counts the events it got. */
export function watchDashboard(hubUrl: string, token: string) {
  let events = 0;
  const req = http.get(`${hubUrl}/api/live`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      events += chunk.split('\n\n').length - 1;
    });
  });
  req.on('error', () => {});
  return {
    get events() {
      return events;
    },
    close: () => req.destroy(),
  };
}
