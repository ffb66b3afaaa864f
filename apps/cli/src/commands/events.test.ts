import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../lib/cli-error.js';
import { commandRunner, instance, type StubRoute } from '../test-support/stub-hub.js';
import { registerInstanceCommands } from './instances.js';

const ID = instance().id;
const at = (second: number) => `2026-11-28T10:00:${String(second).padStart(2, '0')}.000Z`;
/** As the CLI prints a time: to the second. */
const shown = (second: number) => at(second).replace('.000Z', 'Z');
const line = (id: number, second: number, stream: string, text: string, level: string | null = null) => ({
  id,
  stream,
  at: at(second),
  line: text,
  level,
});
const event = (id: number, second: number, level: string, kind: string, message: string) => ({
  id,
  source: 'agent',
  level,
  kind,
  message,
  data: null,
  at: at(second),
});

describe('podpilot logs / events / launch --wait', () => {
  const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  beforeEach(() => {
    Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true }); // `> file`
  });
  afterEach(() => {
    if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  });
  const run = commandRunner(registerInstanceCommands, {
    'GET /api/instances': () => ({ status: 200, body: { instances: [instance({ state: 'ready' })] } }),
  });

  const log = [
    line(1, 1, 'agent', 'ui ComfyUI: git checkout of https://github.com/x/ComfyUI at v0.3', 'info'),
    line(2, 3, 'webui', 'Starting server'),
    line(3, 5, 'agent', 'model sdxl-refiner: it is not in the library yet and has no URL', 'error'),
  ];
  const events = [
    event(11, 6, 'error', 'agent.failed', 'model sdxl-refiner: it is not in the library yet and has no URL'),
    event(10, 2, 'warn', 'python.failed', 'extension Manager: installing its Python packages failed'),
  ];
  const routes: Record<string, StubRoute> = {
    [`GET /api/instances/${ID}/logs`]: (req) => ({
      status: 200,
      body: { lines: log.filter((l) => l.id > Number(req.query.get('after'))) },
    }),
    [`GET /api/instances/${ID}/events`]: () => ({ status: 200, body: { events } }),
  };

  it('logs interleaves agent lines, WebUI lines and events by time, whole times and no colours into a file', async () => {
    const { stdout, error } = await run(['logs', 'box'], routes);
    expect(error).toBeUndefined();
    expect(stdout.split('\n')).toEqual([
      `${shown(1)} agent info | ui ComfyUI: git checkout of https://github.com/x/ComfyUI at v0.3`,
      `${shown(2)} event warn python.failed: extension Manager: installing its Python packages failed`,
      `${shown(3)} webui | Starting server`,
      `${shown(5)} agent error | model sdxl-refiner: it is not in the library yet and has no URL`,
      `${shown(6)} event error agent.failed: model sdxl-refiner: it is not in the library yet and has no URL`,
      '',
    ]);
    expect(stdout).not.toContain('\x1b[');
  });

  it('logs passes --source, --level and --since to the hub, and leaves events out unless asked', async () => {
    const { stdout, seen, error } = await run(
      ['logs', 'box', '--source', 'agent', '--level', 'warn', '--since', '2026-11-28T10:00:00Z'],
      routes,
    );
    expect(error).toBeUndefined();
    const asked = seen.find((r) => r.path.endsWith('/logs'));
    expect(Object.fromEntries(asked?.query ?? [])).toMatchObject({
      source: 'agent',
      level: 'warn',
      since: '2026-11-28T10:00:00.000Z',
    });
    expect(seen.some((r) => r.path.endsWith('/events'))).toBe(false);
    expect(stdout).not.toContain('event ');

    const bad = await run(['logs', 'box', '--source', 'agent,syslog'], routes);
    expect(bad.error).toBeInstanceOf(CliError);
    expect((bad.error as Error).message).toBe(
      '--source: expected a comma-separated list of agent, webui, events, got "agent,syslog"',
    );
  });

  it('logs on a terminal shows the time of day and colours warnings and errors', async () => {
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    const { stdout } = await run(['logs', 'box', '--source', 'events'], routes);
    expect(stdout).toContain('\x1b[33m10:00:02 event warn python.failed:');
    expect(stdout).toContain('\x1b[31m10:00:06 event error agent.failed:');
  });

  it('events prints them newest last, and --json as an array newest last', async () => {
    const text = await run(['events', 'box', '--level', 'warn'], routes);
    expect(text.stdout.trim().split('\n')).toEqual([
      `${shown(2)} event warn python.failed: extension Manager: installing its Python packages failed`,
      `${shown(6)} event error agent.failed: model sdxl-refiner: it is not in the library yet and has no URL`,
    ]);
    expect(text.seen.find((r) => r.path.endsWith('/events'))?.query.get('level')).toBe('warn');
    const json = await run(['events', 'box', '--json'], routes);
    expect(JSON.parse(json.stdout).map((e: { id: number }) => e.id)).toEqual([10, 11]);
  });

  it('launch --wait that ends in failed prints the reason itself and fails', async () => {
    const reason = 'model sdxl-refiner: it is not in the library yet and has no URL to fetch it from';
    const states = [instance({ state: 'provisioning' }), instance({ state: 'failed', stateReason: reason })];
    const { stdout, error } = await run(['launch', 'sdxl@3', '--provider', 'local', '--wait'], {
      'POST /api/instances': () => ({ status: 201, body: instance() }),
      [`GET /api/instances/${ID}`]: () => ({ status: 200, body: states.shift() }),
    });
    expect(stdout).toContain(`box: failed (${reason})`);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(`box is failed: ${reason}`);
    expect((error as CliError).details).toEqual([]);
    expect((error as CliError).exitCode).toBe(1);
  });
});
