import { type Profile, validateProfile } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { launchSpec, loopbackLaunch } from './launch.js';

function profile(fields: Record<string, unknown>): Profile {
  const result = validateProfile({ name: 'launch', ...fields });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.profile;
}

/** What every UI gets for its Python: the overlay venv of the workspace, pip's cache and constraints there. */
const overlay = (ws: string) => ({
  VIRTUAL_ENV: `${ws}/.podpilot/venv`,
  PIP_CACHE_DIR: `${ws}/.podpilot/pip-cache`,
  PIP_CONSTRAINT: `${ws}/.podpilot/python-constraints.txt`,
});

describe('launchSpec', () => {
  it('starts ComfyUI from its folder with the profile args after the defaults', () => {
    const p = profile({
      ui: { kind: 'comfyui', ref: 'v0.3.68' },
      args: ['--preview-method', 'auto'],
      env: { PYTORCH_CUDA_ALLOC_CONF: 'expandable_segments:True' },
    });
    expect(launchSpec(p, '/workspace')).toEqual({
      command: '/workspace/.podpilot/venv/bin/python',
      args: ['main.py', '--listen', '0.0.0.0', '--port', '8188', '--preview-method', 'auto'],
      cwd: '/workspace/ComfyUI',
      env: {
        PYTHONUNBUFFERED: '1',
        ...overlay('/workspace'),
        PYTORCH_CUDA_ALLOC_CONF: 'expandable_segments:True',
      },
      port: 8188,
    });
  });

  it('starts A1111 with launch.py on 7860', () => {
    const spec = launchSpec(profile({ ui: { kind: 'a1111', ref: 'v1.10.1' } }), '/workspace');
    expect(spec).toEqual({
      command: '/workspace/.podpilot/venv/bin/python',
      args: ['launch.py', '--listen', '--port', '7860', '--api', '--xformers'],
      cwd: '/workspace/stable-diffusion-webui',
      env: { PYTHONUNBUFFERED: '1', ...overlay('/workspace') },
      port: 7860,
    });
  });

  it('lets the profile env win over the defaults and carries no process env', () => {
    process.env.PODPILOT_SECRET_FOR_TEST = 'x';
    const spec = launchSpec(
      profile({ ui: { kind: 'comfyui', ref: 'v0.3.68' }, env: { PYTHONUNBUFFERED: '0' } }),
      '/w',
    );
    delete process.env.PODPILOT_SECRET_FOR_TEST;
    expect(spec.env).toEqual({ PYTHONUNBUFFERED: '0', ...overlay('/w') });
  });

  it.each([
    [{ kind: 'a1111', ref: 'v1.10.1' }, ['--port', '7861'], 7861],
    [{ kind: 'comfyui', ref: 'v0.3.68' }, ['--port=9000'], 9000],
    [{ kind: 'kohya', ref: 'v25.2.1' }, ['--server_port', '7000'], 7000],
    [{ kind: 'comfyui', ref: 'v0.3.68' }, ['--port', 'notanumber'], 8188],
    [{ kind: 'fooocus', ref: 'v2.5.5' }, ['--portable'], 7865],
  ])('reads a port the profile args override (%j %j)', (ui, args, port) => {
    expect(launchSpec(profile({ ui, args }), '/w').port).toBe(port);
  });

  it('puts the port it is given (PODPILOT_WEBUI_PORT) in place of the kind default', () => {
    const comfy = launchSpec(profile({ ui: { kind: 'comfyui', ref: 'v0.3.68' } }), '/w', 43210);
    expect(comfy.args).toEqual(['main.py', '--listen', '0.0.0.0', '--port', '43210']);
    expect(comfy.port).toBe(43210);
    const kohya = launchSpec(profile({ ui: { kind: 'kohya', ref: 'v25.2.1' } }), '/w', 43211);
    expect(kohya.args).toContain('43211');
    expect(kohya.args).not.toContain('7860');
    expect(kohya.port).toBe(43211);
  });

  it('lets a port the profile args name win over the given one', () => {
    const p = profile({ ui: { kind: 'a1111', ref: 'v1.10.1' }, args: ['--port', '7861'] });
    const spec = launchSpec(p, '/w', 43210);
    expect(spec.port).toBe(7861);
    expect(spec.args.at(-1)).toBe('7861');
  });
});

describe('launchSpec with ui.command', () => {
  it("runs the profile's program: node is the agent's own Node, python the overlay venv", () => {
    const node = profile({ ui: { kind: 'comfyui', ref: 'v1', command: ['node', 'demo-webui.js'] } });
    const spec = launchSpec(node, '/w', 43000);
    expect([spec.command, ...spec.args]).toEqual([
      process.execPath,
      'demo-webui.js',
      '--listen',
      '0.0.0.0',
      '--port',
      '43000',
    ]);
    const python = profile({
      ui: { kind: 'comfyui', ref: 'v1', command: ['python', '-X', 'utf8', 'main.py'] },
    });
    expect(launchSpec(python, '/w').command).toBe('/w/.podpilot/venv/bin/python');
    expect(launchSpec(python, '/w').args.slice(0, 3)).toEqual(['-X', 'utf8', 'main.py']);
  });

  it('keeps every script word in place when it moves the UI to loopback', () => {
    const p = profile({
      ui: { kind: 'comfyui', ref: 'v1', command: ['node', '--max-old-space-size=512', 'demo-webui.js'] },
      args: ['--listen', '0.0.0.0'],
    });
    expect(loopbackLaunch(p, launchSpec(p, '/w', 43000), 45002).args).toEqual([
      '--max-old-space-size=512',
      'demo-webui.js',
      '--listen',
      '127.0.0.1',
      '--port',
      '45002',
    ]);
  });
});

describe('loopbackLaunch', () => {
  it('binds ComfyUI to loopback on the internal port, over the profile args', () => {
    const p = profile({
      ui: { kind: 'comfyui', ref: 'v0.3.68' },
      args: ['--listen', '0.0.0.0', '--port', '9000'],
    });
    const spec = loopbackLaunch(p, launchSpec(p, '/w', 43210), 45000);
    expect(spec.args).toEqual(['main.py', '--listen', '127.0.0.1', '--port', '45000']);
    expect(spec.port).toBe(45000);
  });

  it("drops A1111's bare --listen (it means every address) and keeps its other flags", () => {
    const p = profile({ ui: { kind: 'a1111', ref: 'v1.10.1' } });
    const spec = loopbackLaunch(p, launchSpec(p, '/w'), 45001);
    expect(spec.args).toEqual(['launch.py', '--api', '--xformers', '--port', '45001']);
    expect(spec.args).not.toContain('--listen');
  });
});
