import { describe, expect, it } from 'vitest';
import { webuiEnv } from './webui-env.js';

describe('webuiEnv', () => {
  it("drops PodPilot's and Tailscale's variables and adds the extra ones", () => {
    const env = webuiEnv({ A: '1' }, { PODPILOT_BOOTSTRAP_TOKEN: 's', TS_AUTHKEY: 'k', HOME: '/root' });
    expect(env).toEqual({ HOME: '/root', A: '1' });
  });

  it("puts the VIRTUAL_ENV's bin first on PATH, as activate does, unless PATH is given", () => {
    expect(webuiEnv({ VIRTUAL_ENV: '/w/.podpilot/venv' }, { PATH: '/usr/bin:/bin' }).PATH).toBe(
      '/w/.podpilot/venv/bin:/usr/bin:/bin',
    );
    expect(webuiEnv({ VIRTUAL_ENV: '/v', PATH: '/mine' }, { PATH: '/usr/bin' }).PATH).toBe('/mine');
    expect(webuiEnv({}, { PATH: '/usr/bin' }).PATH).toBe('/usr/bin');
  });
});
