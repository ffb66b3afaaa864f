import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityFacts, judgeActivity } from '@podpilot/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActivityMonitor } from './activity-monitor.js';

const WINDOW_SECONDS = 600;

describe('ActivityMonitor', () => {
  let dir: string;
  const cleanups: (() => void | Promise<void>)[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podpilot-activity-'));
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await rm(dir, { recursive: true, force: true });
  });

  /** A fake nvidia-smi: one GPU whose utilisation is read from a file the test writes. */
  const fakeGpu = async (utilization: number) => {
    const file = join(dir, 'utilization');
    await writeFile(file, String(utilization));
    const command = join(dir, 'nvidia-smi');
    await writeFile(command, `#!/bin/sh\necho "0, NVIDIA GeForce RTX 4090, $(cat '${file}'), 1200, 24564"\n`);
    await chmod(command, 0o755);
    return { command, set: (percent: number) => writeFile(file, String(percent)) };
  };

  /** A fake ComfyUI: `/queue` answers with the prompts in `queue`; other paths answer "ok". */
  const fakeComfy = async () => {
    const queue = { queue_running: [] as unknown[], queue_pending: [] as unknown[] };
    const server = http.createServer((req, res) => {
      res.end(req.url === '/queue' ? JSON.stringify(queue) : 'ok');
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return { port: (server.address() as { port: number }).port, queue };
  };

  const monitor = (options: ConstructorParameters<typeof ActivityMonitor>[0]) => {
    const m = new ActivityMonitor(options);
    cleanups.push(() => m.close());
    return m;
  };

  const clock = () => {
    const c = { ms: 5_000_000, now: () => c.ms };
    return c;
  };

  it('reports an idle ComfyUI as idle, its own probes not counted as requests', async () => {
    const gpu = await fakeGpu(0);
    const ui = await fakeComfy();
    const time = clock();
    const m = monitor({
      uiKind: 'comfyui',
      port: ui.port,
      webuiPid: () => null,
      now: time.now,
      gpuCommand: gpu.command,
    });
    for (let i = 0; i < 3; i++) {
      const facts = ActivityFacts.parse(await m.sample());
      expect(facts).toEqual({
        gpus: [
          {
            index: 0,
            name: 'NVIDIA GeForce RTX 4090',
            utilizationPercent: 0,
            memoryUsedMiB: 1200,
            memoryTotalMiB: 24564,
          },
        ],
        webui: { busy: false, source: 'api', detail: 'ComfyUI: 0 running, 0 queued' },
        webuiCpuPercent: null,
        secondsSinceOutput: null,
        secondsSinceRequest: null,
        openConnections: 0,
      });
      expect(judgeActivity(facts, WINDOW_SECONDS).busy).toBe(false);
      time.ms += 5000;
    }
  });

  it('sees a queued prompt, a busy GPU, a new output and a client request, each on its own', async () => {
    const gpu = await fakeGpu(0);
    const ui = await fakeComfy();
    const time = clock();
    const m = monitor({
      uiKind: 'comfyui',
      port: ui.port,
      webuiPid: () => null,
      now: time.now,
      gpuCommand: gpu.command,
    });
    const judge = async () => {
      time.ms += 5000;
      return judgeActivity(ActivityFacts.parse(await m.sample()), WINDOW_SECONDS);
    };
    expect((await judge()).busy).toBe(false);

    ui.queue.queue_running.push([0, 'prompt-id', {}]);
    expect(await judge()).toMatchObject({
      busy: true,
      busyNow: true,
      reasons: ['ComfyUI: 1 running, 0 queued'],
    });
    ui.queue.queue_running.pop();

    await gpu.set(95);
    expect(await judge()).toMatchObject({ busy: true, busyNow: true, reasons: ['GPU 0 at 95%'] });
    await gpu.set(0);

    m.noteOutput();
    expect(await judge()).toMatchObject({ busy: true, busyNow: false, reasons: ['new output 5 s ago'] });
    time.ms += WINDOW_SECONDS * 1000;
    expect((await judge()).busy).toBe(false);

    // A browser tab: connects, stays idle (no request), then asks for something.
    const tab = connect(ui.port, '127.0.0.1');
    cleanups.push(() => void tab.destroy());
    await new Promise((resolve) => tab.once('connect', resolve));
    const idleTab = ActivityFacts.parse(await m.sample());
    expect(idleTab).toMatchObject({ openConnections: 1, secondsSinceRequest: null });
    expect(judgeActivity(idleTab, WINDOW_SECONDS).busy).toBe(false);
    await new Promise((resolve) => {
      tab.once('data', resolve);
      tab.write('GET / HTTP/1.1\r\nHost: ui\r\n\r\n');
    });
    expect(await judge()).toMatchObject({ busy: true, busyNow: false, reasons: ['WebUI request 0 s ago'] });
  });

  it('reports a missing nvidia-smi and an unreachable WebUI without throwing', async () => {
    const m = monitor({
      uiKind: 'a1111',
      port: 1,
      webuiPid: () => null,
      gpuCommand: join(dir, 'no-nvidia-smi'),
    });
    const facts = ActivityFacts.parse(await m.sample());
    expect(facts).toMatchObject({
      gpus: null,
      gpuError: 'nvidia-smi not found',
      webui: { busy: null, source: 'none', detail: 'A1111: cannot ask the WebUI (connection refused)' },
    });
    expect(judgeActivity(facts, WINDOW_SECONDS).busy).toBe(false);
  });

  it('judges a Fooocus by the CPU of its process tree', async () => {
    const gpu = await fakeGpu(0);
    const child: ChildProcess = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
    cleanups.push(() => void child.kill('SIGKILL'));
    await new Promise((resolve) => child.once('spawn', resolve));
    // The clock says 100 ms passed while the child spins for 1 s: even a child that gets a small share of a
    // loaded machine reads as far above the threshold (process-cpu.test.ts checks the measure itself).
    const time = clock();
    const m = monitor({
      uiKind: 'fooocus',
      port: 1,
      webuiPid: () => child.pid ?? null,
      now: time.now,
      gpuCommand: gpu.command,
    });
    expect((await m.sample()).webuiCpuPercent).toBeNull();
    await sleep(1000);
    time.ms += 100;
    const facts = ActivityFacts.parse(await m.sample());
    expect(facts.webui).toEqual({ busy: null, source: 'cpu', detail: 'Fooocus: no job API; judged by CPU' });
    expect(facts.webuiCpuPercent).toBeGreaterThan(50);
    expect(judgeActivity(facts, WINDOW_SECONDS)).toMatchObject({ busy: true, busyNow: true });
  });
});
