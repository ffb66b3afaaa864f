import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebuiState } from '@podpilot/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test-support/free-port.js';
import { WebuiSupervisor } from './webui-supervisor.js';

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

describe('WebUI supervisor', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podpilot-webui-'));
    await writeFile(join(dir, 'ui.cjs'), UI);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const supervisor = async (lines: string[], states: WebuiState[], extra = {}) => {
    const port = await freePort();
    return {
      port,
      sup: new WebuiSupervisor(
        {
          command: process.execPath,
          args: ['ui.cjs'],
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
    const first = await supervisor([], [], { pidFile });
    await first.sup.start();
    // The agent "dies": its UI keeps running and holding the port. A new agent takes over with the same port.
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
});
