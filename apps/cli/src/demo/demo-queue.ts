// The demo UI's prompt queue: one job at a time, each saved as `<prefix>_NNNNN_.png` like ComfyUI's
// SaveImage, and a history of what was made. Node built-ins only (copied into the demo UI's repository).
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoSettings, readGraph } from './demo-graph.js';
import { asciiJson, drawPicture, encodePng } from './demo-image.js';

interface Job {
  number: number;
  id: string;
  graph: unknown;
  settings: DemoSettings;
  outputNode: string;
  workflow?: unknown;
}

type Image = { filename: string; subfolder: string; type: 'output' };

/** The next free `<prefix>_NNNNN_.png` number in `dir`, as ComfyUI counts (one past the highest). */
function nextCounter(dir: string, prefix: string): number {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_(\\d{5,})_\\.png$`);
  const numbers = readdirSync(dir).map((name) => Number(pattern.exec(name)?.[1] ?? 0));
  return Math.max(0, ...numbers) + 1;
}

/** ComfyUI's shape of a queue entry: `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
const queued = (job: Job) => [job.number, job.id, job.graph, {}, [job.outputNode]];

export class DemoQueue {
  private readonly pending: Job[] = [];
  private readonly done = new Map<string, { job: Job; images: Image[] }>();
  private running: Job | null = null;
  private numbers = 0;
  private closed = false;

  /** `pace` waits while a job "samples"; `log` is told each saved file. */
  constructor(
    private readonly outputDir: string,
    private readonly pace: (steps: number) => Promise<void>,
    private readonly log?: (line: string) => void,
  ) {
    mkdirSync(outputDir, { recursive: true });
  }

  /** Queues a `POST /prompt` body; throws an Error saying why a graph cannot run. */
  submit(body: { prompt?: unknown; extra_data?: { extra_pnginfo?: { workflow?: unknown } } }) {
    const { settings, outputNode } = readGraph(body?.prompt);
    this.numbers += 1;
    const job: Job = { number: this.numbers, id: randomUUID(), graph: body.prompt, settings, outputNode };
    const workflow = body.extra_data?.extra_pnginfo?.workflow;
    if (workflow !== undefined) job.workflow = workflow;
    this.pending.push(job);
    void this.work();
    return { prompt_id: job.id, number: job.number, node_errors: {} };
  }

  /** `GET /queue`. */
  queue() {
    return {
      queue_running: this.running ? [queued(this.running)] : [],
      queue_pending: this.pending.map(queued),
    };
  }

  /** How many jobs are left (`GET /prompt`'s `queue_remaining`). */
  remaining(): number {
    return this.pending.length + (this.running ? 1 : 0);
  }

  /** `GET /history` (the last `max` jobs) or `GET /history/:id` (`id` alone). */
  history(max?: number, id?: string) {
    const entries = id === undefined ? [...this.done.entries()].slice(-(max || this.done.size)) : [];
    const one = id === undefined ? undefined : this.done.get(id);
    if (one && id !== undefined) entries.push([id, one]);
    return Object.fromEntries(
      entries.map(([key, { job, images }]) => [
        key,
        {
          prompt: queued(job),
          outputs: { [job.outputNode]: { images } },
          status: { status_str: 'success', completed: true, messages: [] },
        },
      ]),
    );
  }

  close(): void {
    this.closed = true;
  }

  private async work(): Promise<void> {
    while (!this.closed && this.running === null && this.pending.length > 0) {
      const job = this.pending.shift() as Job;
      this.running = job;
      await this.pace(job.settings.steps);
      if (this.closed) return;
      const image = this.render(job);
      this.done.set(job.id, { job, images: [image] });
      this.log?.(`Prompt executed: ${image.filename}`);
      this.running = null;
    }
  }

  private render(job: Job): Image {
    const s = job.settings;
    const counter = String(nextCounter(this.outputDir, s.filenamePrefix)).padStart(5, '0');
    const filename = `${s.filenamePrefix}_${counter}_.png`;
    const texts: [string, string][] = [['prompt', asciiJson(job.graph)]];
    if (job.workflow !== undefined) texts.push(['workflow', asciiJson(job.workflow)]);
    const png = encodePng(s.width, s.height, drawPicture(s.width, s.height, s.seed, s.prompt), texts);
    writeFileSync(join(this.outputDir, filename), png);
    return { filename, subfolder: '', type: 'output' };
  }
}
