import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebuiState } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test-support/free-port.js';
import { type SupervisorOptions, WebuiSupervisor } from './webui-supervisor.js';

/** A tiny "WebUI": prints a line, listens on PORT; crashes first when a crash file says so. */
const UI = `
const fs = require('node:fs');
const http = require('node:http');
const left = fs.existsSync('crashes') ? Number(fs.readFileSync('crashes', 'utf8')) : 0;
console.log('ui starting, crashes left', left);
if (left > 0) { fs.writeFileSync('crashes', String(left - 1)); console.error('boom'); process.exit(3); }
process.on('SIGTERM', () => { console.log('ui stopping'); process.exit(0); });
http.createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
`;

/** A "WebUI" that never listens itself: it says so and waits for SIGTERM. */
const SILENT_UI = `
console.log('ui up, not listening');
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1000);
`;

/** A "WebUI" whose helper (a child in its process group) listens on PORT. */
const HELPER_UI = `
const { spawn } = require('node:child_process');
const server = "require('node:http').createServer((q, s) => s.end('helper')).listen(Number(process.env.PORT), '127.0.0.1')";
const helper = spawn(process.execPath, ['-e', server], { stdio: 'inherit' });
process.on('SIGTERM', () => { helper.kill(); process.exit(0); });
`;

const hasProcfs = existsSync('/proc/net/tcp');

/** A loopback server of this test process (not the UI's) on a free port. */
async function foreignServer(port?: number): Promise<Server> {
  const server = createServer((_q, s) => s.end('not the ui'));
  await new Promise<void>((resolve) => server.listen(port ?? 0, '127.0.0.1', resolve));
  return server;
}

describe('WebUI supervisor', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podpilot-webui-'));
    await writeFile(join(dir, 'ui.cjs'), UI);
    await writeFile(join(dir, 'silent-ui.cjs'), SILENT_UI);
    await writeFile(join(dir, 'helper-ui.cjs'), HELPER_UI);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const supervisor = async (
    lines: string[],
    states: WebuiState[],
    extra: SupervisorOptions = {},
    { script = 'ui.cjs', port = 0 } = {},
  ) => {
    port ||= await freePort();
    return {
      port,
      sup: new WebuiSupervisor(
        {
          command: process.execPath,
          args: [script],
          cwd: dir,
          env: { PORT: String(port), PATH: process.env.PATH ?? '' },
          port,
        },
        { onLine: (_s, l) => lines.push(l), onState: (s) => states.push(s), stopGraceMs: 2000, ...extra },
      ),
    };
  };

  it('starts the UI, captures its output, waits for the port, and stops it with SIGTERM', async () => {
    const lines: string[] = [];
    const states: WebuiState[] = [];
    const { sup, port } = await supervisor(lines, states);
    await sup.start();
    expect(sup.state).toBe('running');
    expect(await (await fetch(`http://127.0.0.1:${port}`)).text()).toBe('ok');
    await sup.stop();
    expect(states).toEqual(['starting', 'running', 'stopped']);
    expect(lines).toContain('ui stopping');
  });

  it('restarts the UI after a crash, with backoff', async () => {
    await writeFile(join(dir, 'crashes'), '2');
    const lines: string[] = [];
    const states: WebuiState[] = [];
    const { sup } = await supervisor(lines, states);
    await sup.start();
    expect(sup.restartCount).toBe(2);
    expect(states.filter((s) => s === 'crashed')).toHaveLength(2);
    expect(lines.filter((l) => l === 'boom')).toHaveLength(2);
    await sup.stop();
  });

  it('gives up after too many crashes, saying so', async () => {
    await writeFile(join(dir, 'crashes'), '10');
    const { sup } = await supervisor([], [], { maxRestarts: 1 });
    await expect(sup.start()).rejects.toThrow('the WebUI crashed 2 times (last exit: 3); giving up');
    await sup.stop();
  });

  it('stops the UI an earlier agent left running (killed before it could), and only that one', async () => {
    await writeFile(join(dir, 'crashes'), '0');
    const pidFile = join(dir, 'webui.pid');
    // The first agent "dies" (it never restarts anything again): its UI keeps running and holding the port.
    const first = await supervisor([], [], { pidFile, maxRestarts: 0 });
    await first.sup.start();
    // A new agent takes over with the same port.
    const lines: string[] = [];
    const second = new WebuiSupervisor(
      {
        command: process.execPath,
        args: ['ui.cjs'],
        cwd: dir,
        env: { PORT: String(first.port), PATH: process.env.PATH ?? '' },
        port: first.port,
      },
      { onLine: (_s, l) => lines.push(l), stopGraceMs: 2000, pidFile },
    );
    await second.start();
    expect(lines.some((l) => l.startsWith('stopping the WebUI an earlier agent left running'))).toBe(true);
    expect(second.state).toBe('running');
    expect(second.restartCount).toBe(0);
    await second.stop();
    await first.sup.stop();

    // A pid file naming some other program (a recycled pid) is left alone.
    await writeFile(pidFile, JSON.stringify({ pid: process.pid, startTime: '1' }));
    const third = await supervisor([], [], { pidFile });
    await third.sup.start();
    await third.sup.stop();
    expect(process.kill(process.pid, 0)).toBe(true);
  });

  it('refuses to start the UI on a port another program already listens on, naming it', async () => {
    await writeFile(join(dir, 'crashes'), '0');
    const foreign = await foreignServer();
    const port = (foreign.address() as { port: number }).port;
    try {
      const lines: string[] = [];
      const states: WebuiState[] = [];
      const { sup } = await supervisor(lines, states, {}, { port });
      const holder = hasProcfs ? `pid ${process.pid} \\(` : '';
      await expect(sup.start()).rejects.toThrow(
        new RegExp(
          `^the WebUI port ${port} is already in use by ${holder}.*; refusing to start the WebUI there$`,
        ),
      );
      expect(states).not.toContain('running');
      expect(lines.some((l) => l.startsWith('ui starting'))).toBe(false); // never started
      expect(lines.some((l) => l.startsWith(`the WebUI port ${port} is already in use`))).toBe(true);
      await sup.stop();
    } finally {
      foreign.close();
    }
  });

  it.runIf(hasProcfs)(
    'is not ready while another process answers on its port, and says whose it is',
    async () => {
      const lines: string[] = [];
      const states: WebuiState[] = [];
      let foreign: Promise<Server> | undefined;
      const port = await freePort();
      // The port is free when the UI starts; another server takes it while the UI is still loading.
      const { sup } = await supervisor(
        lines,
        states,
        {
          onLine: (_s, line) => {
            lines.push(line);
            if (line === 'ui up, not listening') foreign ??= foreignServer(port);
          },
        },
        { script: 'silent-ui.cjs', port },
      );
      try {
        await expect(sup.start()).rejects.toThrow(
          new RegExp(`^the WebUI port ${port} is already in use by pid ${process.pid} \\(`),
        );
        expect(foreign).toBeDefined();
        expect(states).not.toContain('running');
        expect(sup.pid).toBeNull(); // the UI that could never have the port was stopped
      } finally {
        await sup.stop();
        (await foreign)?.close();
      }
    },
  );

  it('counts a port that a helper of the UI (same process group) listens on as ready', async () => {
    const { sup, port } = await supervisor([], [], {}, { script: 'helper-ui.cjs' });
    await sup.start();
    expect(sup.state).toBe('running');
    expect(await (await fetch(`http://127.0.0.1:${port}`)).text()).toBe('helper');
    await sup.stop();
  });
});
