import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { commandRunner, instance, type StubRoute } from '../test-support/stub-hub.js';
import { registerInstanceCommands } from './instances.js';
import { registerPsCommand } from './ps.js';

const ID = instance().id;

describe('podpilot launch / ps / stop / destroy', () => {
  const runCommand = commandRunner(
    (program) => {
      registerPsCommand(program);
      registerInstanceCommands(program);
    },
    {
      'GET /api/instances': () => ({ status: 200, body: { instances: [instance({ state: 'ready' })] } }),
    },
  );
  const run = async (args: string[], routes: Record<string, StubRoute>) => {
    const result = await runCommand(args, routes);
    if (result.error) throw result.error;
    return result;
  };

  it('launch --wait prints each state change until ready', async () => {
    const states = ['launching', 'booting', 'ready'];
    const { stdout, seen } = await run(
      ['launch', 'sdxl@3', '--provider', 'vastai', '--offer', '42', '--name', 'box', '--wait'],
      {
        'POST /api/instances': () => ({ status: 201, body: instance() }),
        [`GET /api/instances/${ID}`]: () => ({ status: 200, body: instance({ state: states.shift() }) }),
      },
    );
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('launched box (0a1b2c3d) on vastai: requested');
    expect(lines.slice(1).map((l) => l.slice(10))).toEqual(['box: launching', 'box: booting', 'box: ready']);
    expect(seen[0]?.body).toMatchObject({
      profile: 'sdxl@3',
      provider: 'vastai',
      offerId: '42',
      name: 'box',
    });
  }, 20_000);

  it('start --wait prints each state change until ready again, and fails with the reason', async () => {
    const states = ['booting', 'provisioning', 'ready'];
    const started = await run(['start', 'box', '--wait'], {
      'GET /api/instances': () => ({ status: 200, body: { instances: [instance({ state: 'stopped' })] } }),
      [`POST /api/instances/${ID}/start`]: () => ({ status: 200, body: instance({ state: 'booting' }) }),
      [`GET /api/instances/${ID}`]: () => ({ status: 200, body: instance({ state: states.shift() }) }),
    });
    const lines = started.stdout.trim().split('\n');
    const changes = lines.slice(0, -1).map((l) => l.slice(10));
    expect(changes).toEqual(['box: booting', 'box: provisioning', 'box: ready']);
    expect(lines.at(-1)).toBe('box (0a1b2c3d): ready');
    const reason = 'the provider has no GPU free on this host';
    await expect(
      run(['start', 'box', '--wait'], {
        [`POST /api/instances/${ID}/start`]: () => ({ status: 200, body: instance({ state: 'booting' }) }),
        [`GET /api/instances/${ID}`]: () => ({
          status: 200,
          body: instance({ state: 'failed', stateReason: reason }),
        }),
      }),
    ).rejects.toThrow(`box is failed: ${reason}`);
  }, 20_000);

  it('stop resolves a name and prints the new state', async () => {
    const { stdout, seen } = await run(['stop', 'box'], {
      [`POST /api/instances/${ID}/stop`]: () => ({ status: 200, body: instance({ state: 'stopping' }) }),
    });
    expect(stdout).toBe('box (0a1b2c3d): stopping\n');
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/instances',
      `POST /api/instances/${ID}/stop`,
    ]);
  });

  it('destroy needs --yes when not run from a terminal', async () => {
    const destroy: StubRoute = () => ({ status: 200, body: instance({ state: 'destroyed' }) });
    await expect(
      run(['destroy', '0a1b2c'], { [`POST /api/instances/${ID}/destroy`]: destroy }),
    ).rejects.toThrow(/refusing without --yes/);
    expect(runCommand.seenByRun[0]?.map((r) => r.method)).toEqual(['GET']);
    const { stdout } = await run(['destroy', '0a1b2c', '--yes'], {
      [`POST /api/instances/${ID}/destroy`]: destroy,
    });
    expect(stdout).toBe('box (0a1b2c3d): destroyed\n');
  });

  it('ps hides destroyed instances unless --all', async () => {
    const list = () => ({
      status: 200,
      body: {
        instances: [instance({ state: 'destroyed' }), instance({ id: `f${ID.slice(1)}`, name: 'live' })],
      },
    });
    const { stdout } = await run(['ps'], { 'GET /api/instances': list });
    expect(stdout.split('\n')[1]).toMatch(
      /^fa1b2c3d +live +requested +vastai +RTX 4090 ×1 +\$0\.420 +\d+[smhd] +—$/,
    );
    expect(stdout).not.toMatch(/destroyed/);
    const all = await run(['ps', '--all', '--json'], { 'GET /api/instances': list });
    expect(JSON.parse(all.stdout)).toHaveLength(2);
  });

  const access = (kind: string, url: string | null) => ({
    kind,
    url,
    ssh: kind === 'tailnet' ? 'ssh root@podpilot-x' : null,
  });
  const ready = (a: unknown) => () => ({ status: 200, body: instance({ state: 'ready', access: a }) });

  it('ps shows the way into each WebUI', async () => {
    const tailnet = access('tailnet', 'http://podpilot-x:8188/');
    const { stdout } = await run(['ps'], {
      'GET /api/instances': () => ({ status: 200, body: { instances: [instance({ access: tailnet })] } }),
    });
    expect(stdout.split('\n')[0]).toMatch(/ AGE +ACCESS$/);
    expect(stdout.split('\n')[1]).toMatch(/ {2}http:\/\/podpilot-x:8188\/$/);
  });

  it('open --print asks the hub for a signed link for a public address, and prints it only', async () => {
    const { stdout, seen } = await run(['open', 'box', '--print'], {
      [`GET /api/instances/${ID}`]: ready(access('public', 'http://203.0.113.7:40000/')),
      [`POST /api/instances/${ID}/webui-link`]: () => ({
        status: 200,
        body: { url: 'http://203.0.113.7:40000/?podpilot-link=abc', expiresAt: '2026-12-07T05:00:00.000Z' },
      }),
    });
    expect(stdout).toBe('http://203.0.113.7:40000/?podpilot-link=abc\n');
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/instances',
      `GET /api/instances/${ID}`,
      `POST /api/instances/${ID}/webui-link`,
    ]);
  });

  it('open prints a tailnet address as it is and opens it with $BROWSER', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podpilot-open-'));
    const browser = join(dir, 'browser.sh');
    writeFileSync(
      browser,
      `#!/bin/sh\nprintf '%s' "$1" > "${dir}/opened.tmp" && mv "${dir}/opened.tmp" "${dir}/opened"\n`,
    );
    chmodSync(browser, 0o755);
    vi.stubEnv('BROWSER', browser);
    const { stdout, seen } = await run(['open', 'box'], {
      [`GET /api/instances/${ID}`]: ready(access('tailnet', 'http://podpilot-x:8188/')),
    });
    expect(stdout).toBe('http://podpilot-x:8188/\n');
    expect(seen.some((r) => r.path.endsWith('/webui-link'))).toBe(false);
    await vi.waitFor(
      () => expect(readFileSync(join(dir, 'opened'), 'utf8')).toBe('http://podpilot-x:8188/'),
      {
        timeout: 15_000,
      },
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('open says why there is no way in', async () => {
    await expect(
      run(['open', 'box', '--print'], { [`GET /api/instances/${ID}`]: ready(null) }),
    ).rejects.toThrow('box serves no WebUI while ready; see podpilot ps');
    await expect(
      run(['open', 'box', '--print'], { [`GET /api/instances/${ID}`]: ready(access('public', null)) }),
    ).rejects.toThrow(/has not said the WebUI's address yet/);
  });
});
