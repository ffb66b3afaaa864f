import { describe, expect, it } from 'vitest';
import { webuiEnv } from './webui-env.js';

describe('webuiEnv', () => {
  it("drops PodPilot's and Tailscale's variables and adds the extra ones", () => {
    const env = webuiEnv({ A: '1' }, { PODPILOT_BOOTSTRAP_TOKEN: 's', TS_AUTHKEY: 'k', HOME: '/root' });
    expect(env).toEqual({ HOME: '/root', A: '1' });
  });

  it('passes only allowlisted variables: no provider, cloud or model-site key reaches the WebUI', () => {
    const container = {
      CONTAINER_API_KEY: 'vast-key',
      RUNPOD_API_KEY: 'rp-key',
      RUNPOD_POD_ID: 'pod1',
      VAST_CONTAINERLABEL: 'C.1',
      AWS_SECRET_ACCESS_KEY: 'aws',
      HF_TOKEN: 'hf_x',
      GITHUB_TOKEN: 'gh',
      PATH: '/opt/venv/bin:/usr/bin',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      CUDA_VISIBLE_DEVICES: '0',
      NVIDIA_VISIBLE_DEVICES: 'all',
      PIP_CONSTRAINT: '/opt/podpilot/constraints.txt',
      TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD: '1',
      PYTORCH_CUDA_ALLOC_CONF: 'expandable_segments:True',
      HF_HOME: '/workspace/.cache/huggingface',
      STABLE_DIFFUSION_REPO: 'https://example/sd',
    };
    const env = webuiEnv({ HF_TOKEN: 'the profile asked for it' }, container);
    expect(Object.keys(env).sort()).toEqual(
      [
        'CUDA_VISIBLE_DEVICES',
        'HF_HOME',
        'HF_TOKEN',
        'LANG',
        'LC_ALL',
        'NVIDIA_VISIBLE_DEVICES',
        'PATH',
        'PIP_CONSTRAINT',
        'PYTORCH_CUDA_ALLOC_CONF',
        'STABLE_DIFFUSION_REPO',
        'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD',
      ].sort(),
    );
    expect(env.HF_TOKEN).toBe('the profile asked for it'); // the profile's own env always passes
  });

  it("puts the VIRTUAL_ENV's bin first on PATH, as activate does, unless PATH is given", () => {
    expect(webuiEnv({ VIRTUAL_ENV: '/w/.podpilot/venv' }, { PATH: '/usr/bin:/bin' }).PATH).toBe(
      '/w/.podpilot/venv/bin:/usr/bin:/bin',
    );
    expect(webuiEnv({ VIRTUAL_ENV: '/v', PATH: '/mine' }, { PATH: '/usr/bin' }).PATH).toBe('/mine');
    expect(webuiEnv({}, { PATH: '/usr/bin' }).PATH).toBe('/usr/bin');
  });
});
