import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { pngTextChunks } from '../../../hub/src/lib/png-text.js';
import { demoGraph, readGraph } from './demo-graph.js';
import { type DemoUi, startDemoUi } from './demo-webui.js';

const root = mkdtempSync(join(tmpdir(), 'podpilot-demo-ui-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let ui: DemoUi | undefined;
let made = 0;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
});

async function start(pace: () => Promise<void> = async () => {}) {
  made += 1;
  const outputDir = join(root, `run-${made}`, 'output');
  ui = await startDemoUi({ listen: '127.0.0.1', port: 0, outputDir, pace });
  return { ui, outputDir };
}

const post = (url: string, body: unknown) =>
  fetch(`${url}/prompt`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const getJson = async (url: string) => (await fetch(url)).json() as Promise<Record<string, unknown>>;

describe('the demo UI (a ComfyUI stand-in)', () => {
  it('serves its page with the prompt form', async () => {
    const { ui } = await start();
    const res = await fetch(`${ui.url}/`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<form id="form">');
  });

  it('queues a prompt, shows it running in /queue, then saves a PNG with the graph ComfyUI writes', async () => {
    let finish = () => {};
    const { ui, outputDir } = await start(() => new Promise<void>((done) => (finish = done)));
    const graph = demoGraph({
      prompt: 'héllo «world» 🚀',
      negative: 'blur',
      seed: 7,
      steps: 5,
      width: 128,
      height: 96,
    });
    const res = await post(ui.url, {
      prompt: graph,
      extra_data: { extra_pnginfo: { workflow: { nodes: [] } } },
    });
    expect(res.status).toBe(200);
    const { prompt_id: id, number } = (await res.json()) as { prompt_id: string; number: number };
    expect(number).toBe(1);
    // What the agent's activity probe reads: one running while it samples.
    const queue = await getJson(`${ui.url}/queue`);
    expect((queue.queue_running as unknown[][])[0]?.[1]).toBe(id);
    expect(readdirSync(outputDir)).toEqual([]);
    finish();

    await vi.waitFor(
      async () => expect(Object.keys(await getJson(`${ui.url}/history/${id}`))).toEqual([id]),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    expect(await getJson(`${ui.url}/queue`)).toEqual({ queue_running: [], queue_pending: [] });
    expect(readdirSync(outputDir)).toEqual(['ComfyUI_00001_.png']);
    const png = readFileSync(join(outputDir, 'ComfyUI_00001_.png'));
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 128, 96]);
    const texts = pngTextChunks(png);
    expect(JSON.parse(texts.prompt ?? '')).toEqual(graph);
    expect(texts.prompt).not.toMatch(/[^\x20-\x7e]/); // escaped like Python's json.dumps, so it fits tEXt
    expect(JSON.parse(texts.workflow ?? '')).toEqual({ nodes: [] });
    // The settings read back from that graph, as the gallery does (its reader is tested in the web app).
    expect(readGraph(JSON.parse(texts.prompt ?? '')).settings).toMatchObject({
      prompt: 'héllo «world» 🚀',
      negative: 'blur',
      seed: 7,
      steps: 5,
    });

    const view = await fetch(`${ui.url}/view?filename=ComfyUI_00001_.png&subfolder=&type=output`);
    expect(view.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await view.arrayBuffer()).equals(png)).toBe(true);
  });

  it('numbers files on from the highest already in the folder, one job at a time', async () => {
    const { ui, outputDir } = await start();
    for (const seed of [1, 2, 3])
      expect((await post(ui.url, { prompt: demoGraph({ seed, width: 64, height: 64 }) })).status).toBe(200);
    await vi.waitFor(() => expect(readdirSync(outputDir)).toHaveLength(3), { timeout: 10_000, interval: 50 });
    expect(readdirSync(outputDir).sort()).toEqual([
      'ComfyUI_00001_.png',
      'ComfyUI_00002_.png',
      'ComfyUI_00003_.png',
    ]);
    const history = await getJson(`${ui.url}/history?max_items=2`);
    expect(Object.keys(history)).toHaveLength(2);
  });

  it('refuses what it cannot run with a ComfyUI-shaped error, and serves no file outside output/', async () => {
    const { ui } = await start();
    const noSave = demoGraph();
    delete noSave['9'];
    for (const [body, type] of [
      ['{not json', 'invalid_prompt'],
      [{ prompt: [] }, 'prompt_no_outputs'],
      [{ prompt: noSave }, 'prompt_no_outputs'],
    ] as const) {
      const res = await post(ui.url, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe(type);
    }
    for (const name of ['../../etc/passwd', '', 'x/../y.png', 'missing.png'])
      expect((await fetch(`${ui.url}/view?filename=${encodeURIComponent(name)}&type=output`)).status).toBe(
        404,
      );
    expect((await fetch(`${ui.url}/view?filename=a.png&type=temp`)).status).toBe(404);
    expect((await fetch(`${ui.url}/nothing-here`)).status).toBe(404);
  });

  it('answers any Unicode prompt or body with 200 or 400, never a failure', async () => {
    const { ui } = await start();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), fc.jsonValue(), async (text, value) => {
        const graph = demoGraph({ prompt: text, negative: text, width: 64, height: 64 });
        expect((await post(ui.url, { prompt: graph })).status).toBe(200);
        expect([200, 400]).toContain((await post(ui.url, { prompt: value })).status);
        expect([200, 400]).toContain((await post(ui.url, text)).status);
      }),
      { numRuns: 40 },
    );
  });
});
