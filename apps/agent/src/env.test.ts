import { ConfigError } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig } from './env.js';

const base = { PODPILOT_HUB_URL: 'http://127.0.0.1:7300/', PODPILOT_WORKSPACE: '/tmp/ws' };

describe('loadAgentConfig', () => {
  it('reads the hub URL (without a trailing slash) and defaults', () => {
    const config = loadAgentConfig(base);
    expect(config).toMatchObject({ hubUrl: 'http://127.0.0.1:7300', workspace: '/tmp/ws', logLevel: 'info' });
    expect(config.provider).toBeUndefined();
  });

  it('detects the provider from what Vast.ai and Runpod set in the container', () => {
    expect(loadAgentConfig({ ...base, CONTAINER_ID: '4242' }).provider).toEqual({
      kind: 'vastai',
      instanceId: '4242',
    });
    expect(loadAgentConfig({ ...base, RUNPOD_POD_ID: 'abc123' }).provider).toEqual({
      kind: 'runpod',
      instanceId: 'abc123',
    });
  });

  it('prefers the hints the launch passed', () => {
    const env = {
      ...base,
      CONTAINER_ID: '4242',
      PODPILOT_PROVIDER: 'local',
      PODPILOT_PROVIDER_INSTANCE_ID: 'l-1',
    };
    expect(loadAgentConfig(env).provider).toEqual({ kind: 'local', instanceId: 'l-1' });
    expect(loadAgentConfig({ ...base, PODPILOT_PROVIDER: 'local', CONTAINER_ID: '9' }).provider).toEqual({
      kind: 'local',
    });
  });

  it('reads the WebUI port the launch gives (none: the UI kind decides) and refuses one that is no port', () => {
    expect(loadAgentConfig(base).webuiPort).toBeUndefined();
    expect(loadAgentConfig({ ...base, PODPILOT_WEBUI_PORT: '43210' }).webuiPort).toBe(43210);
    expect(() => loadAgentConfig({ ...base, PODPILOT_WEBUI_PORT: '70000' })).toThrow(
      /PODPILOT_WEBUI_PORT: expected a TCP port number \(1-65535\), got "70000"/,
    );
  });

  it('reads whether the WebUI is fronted by the link proxy (default: not) and refuses other modes', () => {
    expect(loadAgentConfig(base).webuiAuth).toBe('none');
    expect(loadAgentConfig({ ...base, PODPILOT_WEBUI_AUTH: 'link' }).webuiAuth).toBe('link');
    expect(() => loadAgentConfig({ ...base, PODPILOT_WEBUI_AUTH: 'open' })).toThrow(
      /PODPILOT_WEBUI_AUTH: expected none or link/,
    );
  });

  it('names each bad variable and what it expected', () => {
    let error: unknown;
    try {
      loadAgentConfig({ PODPILOT_HUB_URL: 'not a url', PODPILOT_PROVIDER: 'aws' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toContain('PODPILOT_HUB_URL');
    expect(text).toContain('expected the hub URL');
    expect(text).toContain('PODPILOT_PROVIDER');
    expect(text).toContain('expected one of vastai, runpod, local');
  });

  it('reads the base interpreter for the overlay venv, with the image venv or python3 as default', () => {
    expect(loadAgentConfig({ ...base, PODPILOT_PYTHON: '/usr/bin/python3.11' }).python).toEqual({
      baseInterpreter: '/usr/bin/python3.11',
      seedDir: '/opt/podpilot/ui',
    });
    expect(['/opt/venv/bin/python', 'python3']).toContain(loadAgentConfig(base).python.baseInterpreter);
    expect(loadAgentConfig({ ...base, PODPILOT_UI_SEED_DIR: '/seed' }).python.seedDir).toBe('/seed');
    expect(() => loadAgentConfig({ ...base, PODPILOT_PYTHON: ' ' })).toThrow(/PODPILOT_PYTHON/);
  });
});
