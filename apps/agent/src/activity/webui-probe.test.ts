import http from 'node:http';
import type { Socket } from 'node:net';
import { WebuiBusy } from '@podpilot/common';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../test-support/free-port.js';
import { probeWebui, WebuiProber } from './webui-probe.js';

const IDLE_A1111 = {
  progress: 0,
  eta_relative: 0,
  state: {
    skipped: false,
    interrupted: false,
    job: '',
    job_count: 0,
    job_timestamp: '0',
    job_no: 0,
    sampling_step: 0,
    sampling_steps: 0,
  },
  current_image: null,
  textinfo: null,
};
const BUSY_A1111 = {
  ...IDLE_A1111,
  progress: 0.37,
  eta_relative: 12.5,
  state: { ...IDLE_A1111.state, job: 'Batch 2 out of 4', job_count: 4, job_no: 1, sampling_step: 9 },
};

interface FakeUi {
  port: number;
  /** Paths requested, in order. */
  paths: string[];
  /** Remote ports of the connections the server accepted. */
  peers: number[];
  /** The server-side sockets, so a test can cut them. */
  sockets: Socket[];
}

describe('probeWebui', () => {
  const servers: http.Server[] = [];
  const probers: WebuiProber[] = [];
  afterEach(async () => {
    for (const p of probers.splice(0)) p.close();
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  /** A loopback server answering each request with `answer` (a status and a body, or nothing at all). */
  const fakeUi = async (
    answer: (path: string, socket: Socket) => { status?: number; body: string } | 'hang',
  ): Promise<FakeUi> => {
    const ui: FakeUi = { port: 0, paths: [], peers: [], sockets: [] };
    const server = http.createServer((req, res) => {
      ui.paths.push(req.url ?? '');
      const reply = answer(req.url ?? '', req.socket);
      if (reply === 'hang') return;
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' }).end(reply.body);
    });
    server.on('connection', (socket) => {
      ui.peers.push(socket.remotePort ?? -1);
      ui.sockets.push(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ui.port = (server.address() as { port: number }).port;
    return ui;
  };
  const json = (value: unknown) => () => ({ body: JSON.stringify(value) });

  it('reads an A1111 job from the progress API', async () => {
    const ui = await fakeUi(json(BUSY_A1111));
    const busy = await probeWebui('a1111', ui.port);
    expect(busy).toEqual({ busy: true, source: 'api', detail: 'A1111: job 2/4 at 37%' });
    expect(ui.paths).toEqual(['/sdapi/v1/progress?skip_current_image=true']);
    WebuiBusy.parse(busy);
  });

  it('says an idle A1111 or Forge has no job', async () => {
    const ui = await fakeUi(json(IDLE_A1111));
    expect(await probeWebui('a1111', ui.port)).toEqual({
      busy: false,
      source: 'api',
      detail: 'A1111: no job',
    });
    expect(await probeWebui('forge', ui.port)).toEqual({
      busy: false,
      source: 'api',
      detail: 'Forge: no job',
    });
  });

  it('counts a named job or progress as work even before A1111 counted the batch', async () => {
    const named = { ...IDLE_A1111, state: { ...IDLE_A1111.state, job: 'txt2img', job_count: -1 } };
    const ui = await fakeUi(json(named));
    expect(await probeWebui('forge', ui.port)).toEqual({
      busy: true,
      source: 'api',
      detail: 'Forge: txt2img at 0%',
    });
    const moving = await fakeUi(json({ ...IDLE_A1111, progress: 0.5 }));
    expect((await probeWebui('a1111', moving.port)).busy).toBe(true);
  });

  it('reads the ComfyUI queue', async () => {
    const busy = await fakeUi(json({ queue_running: [[0, 'id', {}]], queue_pending: [[1], [2]] }));
    expect(await probeWebui('comfyui', busy.port)).toEqual({
      busy: true,
      source: 'api',
      detail: 'ComfyUI: 1 running, 2 queued',
    });
    expect(busy.paths).toEqual(['/queue']);
    const idle = await fakeUi(json({ queue_running: [], queue_pending: [] }));
    expect(await probeWebui('comfyui', idle.port)).toEqual({
      busy: false,
      source: 'api',
      detail: 'ComfyUI: 0 running, 0 queued',
    });
  });

  it('leaves Fooocus and Kohya to the CPU, without asking them', async () => {
    const ui = await fakeUi(json({}));
    expect(await probeWebui('fooocus', ui.port)).toEqual({
      busy: null,
      source: 'cpu',
      detail: 'Fooocus: no job API; judged by CPU',
    });
    expect((await probeWebui('kohya', ui.port)).source).toBe('cpu');
    expect(ui.paths).toEqual([]);
  });

  it('reports an error status, garbage and a wrong shape as "cannot ask"', async () => {
    const failing = await fakeUi(() => ({ status: 500, body: 'Internal Server Error' }));
    expect(await probeWebui('a1111', failing.port)).toEqual({
      busy: null,
      source: 'none',
      detail: 'A1111: cannot ask the WebUI (HTTP 500)',
    });
    const garbage = await fakeUi(() => ({ body: '<html>gradio</html>' }));
    expect((await probeWebui('comfyui', garbage.port)).detail).toBe(
      'ComfyUI: cannot ask the WebUI (not JSON)',
    );
    const wrong = await fakeUi(json({ queue_running: 3 }));
    expect(await probeWebui('comfyui', wrong.port)).toEqual({
      busy: null,
      source: 'none',
      detail: 'ComfyUI: cannot ask the WebUI (unexpected answer)',
    });
    expect((await probeWebui('a1111', wrong.port)).detail).toBe(
      'A1111: cannot ask the WebUI (unexpected answer)',
    );
  });

  it('reports a refused connection', async () => {
    const port = await freePort();
    expect(await probeWebui('comfyui', port)).toEqual({
      busy: null,
      source: 'none',
      detail: 'ComfyUI: cannot ask the WebUI (connection refused)',
    });
  });

  it('gives up on a WebUI that never answers', async () => {
    const ui = await fakeUi(() => 'hang');
    const started = Date.now();
    expect(await probeWebui('a1111', ui.port, { timeoutMs: 200 })).toEqual({
      busy: null,
      source: 'none',
      detail: 'A1111: cannot ask the WebUI (no answer within 200 ms)',
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up on an answer that stops halfway', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"queue_running": [');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const busy = await probeWebui('comfyui', port, { timeoutMs: 200 });
    expect(busy).toMatchObject({ busy: null, source: 'none' });
    expect(busy.detail).toMatch(/^ComfyUI: cannot ask the WebUI \(/);
  });

  describe('WebuiProber', () => {
    it('reuses one connection and knows its local port', async () => {
      const ui = await fakeUi(json({ queue_running: [], queue_pending: [] }));
      const prober = new WebuiProber();
      probers.push(prober);
      for (let i = 0; i < 3; i++) expect((await prober.probe('comfyui', ui.port)).busy).toBe(false);
      expect(ui.paths).toHaveLength(3);
      expect(ui.peers).toHaveLength(1);
      expect(prober.ownLocalPorts()).toEqual(new Set(ui.peers));
    });

    it('remembers a new connection after the WebUI closed the old one', async () => {
      const ui = await fakeUi(json(IDLE_A1111));
      const prober = new WebuiProber();
      probers.push(prober);
      await prober.probe('a1111', ui.port);
      for (const s of ui.sockets) s.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await prober.probe('a1111', ui.port)).busy).toBe(false);
      expect(ui.peers).toHaveLength(2);
      expect(prober.ownLocalPorts()).toEqual(new Set(ui.peers));
    });

    it('tries again when a kept-alive connection is cut as it is reused', async () => {
      // Answers the first request of each connection, then cuts the connection on the next one: what a
      // server closing an idle connection at the moment the agent reuses it looks like.
      const served = new WeakSet<Socket>();
      const ui = await fakeUi((_path, socket) => {
        if (served.has(socket)) {
          socket.destroy();
          return 'hang';
        }
        served.add(socket);
        return { body: JSON.stringify({ queue_running: [[1]], queue_pending: [] }) };
      });
      const prober = new WebuiProber();
      probers.push(prober);
      expect((await prober.probe('comfyui', ui.port)).busy).toBe(true);
      expect(await prober.probe('comfyui', ui.port)).toMatchObject({ busy: true, source: 'api' });
      expect(ui.peers).toHaveLength(2);
    });
  });
});
