// Static checks of what makes each image boot and keep booting (issue 20), read against the upstream
// projects: Kohya's tk, --noverify, bitsandbytes/tensorboard; torch >= 2.6's weights_only default; pinned
// pip/setuptools/wheel in every pip call; Node 22; the entrypoint's deadlines and minimal environments.
// Each test names what broke. The entrypoint's behaviour: e2e/agent-entrypoint*.test.ts. See docs/images.md.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile and HCL text is full of literal ${…}
import { UI_KINDS, type UiKind } from '@podpilot/common';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  appDockerfile,
  BASE_DOCKERFILE,
  type Block,
  expandTargets,
  instructions,
  type Json,
  of,
  parseHcl,
  read,
  type Target,
  variableDefault,
} from './images/support.js';

const KINDS = Object.keys(UI_KINDS) as UiKind[];
const runsOf = (file: string) => of(instructions(read(file)), 'RUN').map((i) => i.args);
const envOf = (file: string) => of(instructions(read(file)), 'ENV').map((i) => i.args);
const version = (text: string) => text.split('.').map(Number);
const below = (a: string, b: string) => {
  const [x, y] = [version(a), version(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  }
  return false;
};

let bake: Json;
let targets: Map<string, Target>;
beforeAll(async () => {
  bake = await parseHcl('docker-bake.hcl', read('docker-bake.hcl'));
  targets = expandTargets(bake.target as Record<string, Block[]>);
});

describe('Kohya starts', () => {
  const file = appDockerfile('kohya');

  it('has tk for the venv’s Python (easygui imports tkinter): python<PYTHON_VERSION>-tk, checked by an import', () => {
    const tk = runsOf(file).find((run) => run.includes('-tk'));
    expect(tk, 'no python3.x-tk installed: the GUI dies importing easygui').toBeDefined();
    expect(tk).toContain('apt-get install -y --no-install-recommends "python${PYTHON_VERSION}-tk"');
    expect(tk).toContain('python -c "import tkinter"');
    for (const target of targets.values()) {
      if (target.dockerfile !== file) continue;
      expect(target.args.PYTHON_VERSION, `${target.name}: tk must match the base's Python`).toBe(
        '${PODPILOT_PYTHON_VERSION}',
      );
    }
  });

  it('starts with --noverify, so its launcher never pip-installs another torch at start', () => {
    // kohya_gui.py runs setup/validate_requirements.py (a pip install of a torch pinned for another CUDA build,
    // which PIP_CONSTRAINT refuses) unless --noverify is given; Kohya's own Docker image starts with it.
    expect(UI_KINDS.kohya.launch.args, 'UI_KINDS.kohya.launch.args lacks --noverify').toContain('--noverify');
  });

  it('has bitsandbytes (AdamW8bit) and tensorboard, pinned per variant to builds for the base’s torch and CUDA', () => {
    const install = runsOf(file).find((run) => run.includes('bitsandbytes=='));
    expect(install, 'bitsandbytes not installed: the default optimiser AdamW8bit fails').toBeDefined();
    expect(install).toContain(
      '"bitsandbytes==${BITSANDBYTES_VERSION}" "tensorboard==${TENSORBOARD_VERSION}"',
    );
    const variants = variableDefault(bake, 'PODPILOT_CUDA_VARIANTS') as Record<
      string,
      Record<string, unknown>
    >;
    for (const target of targets.values()) {
      if (target.dockerfile !== file) continue;
      const pins = variants[target.values.cuda as string] ?? {};
      expect(target.args.BITSANDBYTES_VERSION).toBe('${PODPILOT_CUDA_VARIANTS[cuda].bitsandbytes}');
      expect(target.args.TENSORBOARD_VERSION).toBe('${PODPILOT_CUDA_VARIANTS[cuda].tensorboard}');
      expect(pins.bitsandbytes, target.name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(pins.tensorboard, target.name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('refuses, at build time, a base whose torch is older than 2.5', () => {
    expect(runsOf(file)[0]).toContain('>= (2, 5)');
  });
});

describe('torch >= 2.6 and pickled checkpoints', () => {
  const PICKLE_UIS: UiKind[] = ['a1111', 'forge', 'fooocus'];

  it.each(KINDS)(
    '%s: TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD only where the UI loads .ckpt/.pt with torch.load',
    (kind) => {
      const set = envOf(appDockerfile(kind)).includes('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1');
      expect(
        set,
        `${kind}: pickled checkpoints ${set ? 'allowed where not needed' : 'refused by torch >= 2.6'}`,
      ).toBe(PICKLE_UIS.includes(kind));
    },
  );

  it('not in the base (every UI would get it), and docs/images.md says what it means for safety', () => {
    expect(read(BASE_DOCKERFILE)).not.toContain('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD');
    const docs = read('docs/images.md');
    expect(docs).toContain('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD');
    expect(docs).toMatch(/pickle[\s\S]{0,400}run[s]? (?:any )?code/i);
    expect(docs).toMatch(/\.safetensors/);
  });
});

describe('pip, setuptools and wheel pinned for every install', () => {
  const list = instructions(read(BASE_DOCKERFILE));

  it('the base installs them pinned and opens the constraints file with the same pins', () => {
    const run = of(list, 'RUN').find((i) => i.args.includes('"pip==${PIP_VERSION}"'))?.args ?? '';
    for (const tool of [
      'pip==${PIP_VERSION}',
      'setuptools==${SETUPTOOLS_VERSION}',
      'wheel==${WHEEL_VERSION}',
    ]) {
      expect(run, `${tool} not installed`).toContain(`"${tool}"`);
    }
    expect(run, 'the pins are not in the constraints file').toContain(
      `printf 'pip==%s\\nsetuptools==%s\\nwheel==%s\\n' "\${PIP_VERSION}" "\${SETUPTOOLS_VERSION}" "\${WHEEL_VERSION}"`,
    );
    expect(run).toContain('import pkg_resources');
  });

  it('PIP_CONSTRAINT is set before any other pip install, so every app install (and build env) gets the pins', () => {
    const at = list.findIndex(
      (i) => i.keyword === 'ENV' && i.args === 'PIP_CONSTRAINT=/opt/podpilot/constraints.txt',
    );
    const pipLayer = list.findIndex((i) => i.keyword === 'RUN' && i.args.includes('"pip==${PIP_VERSION}"'));
    expect(at, 'PIP_CONSTRAINT is not set').toBeGreaterThan(pipLayer);
    for (const [index, i] of list.entries()) {
      if (i.keyword === 'RUN' && /pip install/.test(i.args) && index !== pipLayer)
        expect(index).toBeGreaterThan(at);
    }
    for (const kind of KINDS) {
      expect(
        envOf(appDockerfile(kind)).some((e) => e.startsWith('PIP_CONSTRAINT')),
        kind,
      ).toBe(false);
    }
  });

  it('setuptools < 82 (pkg_resources) and pip < 25.3 (the legacy build A1111’s and Forge’s CLIP needs)', () => {
    const setuptools = variableDefault(bake, 'PODPILOT_SETUPTOOLS_VERSION') as string;
    const pip = variableDefault(bake, 'PODPILOT_PIP_VERSION') as string;
    expect(setuptools, 'setuptools cap').toMatch(/^\d+\.\d+\.\d+$/);
    expect(below(setuptools, '82'), `setuptools ${setuptools} has no pkg_resources`).toBe(true);
    expect(below(pip, '25.3'), `pip ${pip}`).toBe(true);
    expect(variableDefault(bake, 'PODPILOT_WHEEL_VERSION')).toMatch(/^\d+\.\d+\.\d+$/);
    const args = targets.get('base-cu128')?.args ?? {};
    expect(args.SETUPTOOLS_VERSION).toBe('${PODPILOT_SETUPTOOLS_VERSION}');
    expect(args.PIP_VERSION).toBe('${PODPILOT_PIP_VERSION}');
    expect(args.WHEEL_VERSION).toBe('${PODPILOT_WHEEL_VERSION}');
  });
});

describe('Node.js 22 LTS', () => {
  it('in the GPU base (bake pin, checked against the release’s SHASUMS256.txt or NODE_SHA256)', () => {
    expect(variableDefault(bake, 'PODPILOT_NODE_VERSION')).toMatch(/^22\.\d+\.\d+$/);
    expect(targets.get('base-cu128')?.args.NODE_VERSION).toBe('${PODPILOT_NODE_VERSION}');
    expect(targets.get('base-cu128')?.args.NODE_SHA256).toBe('${PODPILOT_NODE_SHA256}');
  });

  it('the project still supports Node 20.19+ (package.json engines), and the docs say 20 and 22', () => {
    expect((JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node).toBe('>=20.19');
    expect(read('docs/images.md')).toMatch(/Node\.js 20\.19\+ and 22/);
  });
});

describe('the entrypoint (statically)', () => {
  const text = read('docker/entrypoint.sh');
  const code = text.slice(text.indexOf('\nset -euo pipefail'));

  it('every `tailscale up` runs under `timeout` with the join deadline, in the background (a stop is honoured)', () => {
    const ups = [...code.matchAll(/^.*\btailscale --socket.*$/gm)].map((m) => m[0].trim());
    expect(ups.length).toBeGreaterThan(0);
    for (const up of ups)
      expect(up, 'tailscale up without a deadline').toMatch(/^step timeout --kill-after=\d+ /);
    expect(code).toContain('join_timeout="${PODPILOT_TS_JOIN_TIMEOUT_SECONDS:-120}"');
  });

  it('the commands it starts itself get an environment allowlist: no provider or Tailscale key', () => {
    expect(code).toMatch(/^plain_env=\(env -i PATH="\$PATH" HOME="\$\{HOME:-\/root\}" LANG=\S+ TZ=\S+\)$/m);
    expect(code).toMatch(/^\s+"\$\{plain_env\[@\]\}" tailscaled /m);
    expect(code).toMatch(/^\s+"\$\{plain_env\[@\]\}" "\$@" &$/m);
    expect(code).toMatch(/step cp -a /);
    expect(code).toMatch(/step chown /);
    expect(code).toContain('unset TS_AUTHKEY');
  });
});
