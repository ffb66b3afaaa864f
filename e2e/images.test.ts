// Static checks of the container build files (there is no Docker engine to build them with): every
// Dockerfile parses without a diagnostic and the images agree with the UI kind table. docker-bake.hcl and the
// justfile: e2e/images-bake.test.ts; what makes an image boot (issue 20): e2e/images-boot.test.ts.
// See docs/images.md.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile and HCL text is full of literal ${…}
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UI_KINDS, type UiKind } from '@podpilot/common';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import {
  appDockerfile,
  argDefault,
  BASE_DOCKERFILE,
  installsWithApt,
  installsWithPip,
  instructions,
  of,
  ROOT,
  read,
  TORCH_PACKAGE,
} from './images/support.js';

const KINDS = Object.keys(UI_KINDS) as UiKind[];
const ENTRYPOINT = ['/usr/bin/tini', '--', '/usr/local/bin/podpilot-entrypoint'];
const PIP_CACHE = '--mount=type=cache,target=/root/.cache/pip';
const APT_CACHES = ['--mount=type=cache,target=/var/cache/apt', '--mount=type=cache,target=/var/lib/apt'];
/** Where the app images install their UI: a volume mounted on /workspace would hide it there. */
const UI_SEED_DIR = '/opt/podpilot/ui';

describe('Dockerfiles', () => {
  const files = [BASE_DOCKERFILE, ...KINDS.map(appDockerfile)];

  it.each(files)('%s parses without errors or warnings', (file) => {
    expect(validate(read(file))).toEqual([]);
  });

  it('there is one app Dockerfile per UI kind, and no other', () => {
    const dirs = readdirSync(join(ROOT, 'docker/apps')).filter((entry) =>
      statSync(join(ROOT, 'docker/apps', entry)).isDirectory(),
    );
    expect(dirs.sort()).toEqual([...KINDS].sort());
    for (const kind of KINDS) expect(existsSync(join(ROOT, appDockerfile(kind))), kind).toBe(true);
  });

  it.each(files)('%s: every pip and apt install uses a BuildKit cache mount', (file) => {
    const text = read(file);
    expect(text.split('\n')[0]).toMatch(/^# syntax=docker\/dockerfile:1/); // cache mounts need BuildKit
    for (const { args } of of(instructions(text), 'RUN')) {
      if (installsWithPip(args)) expect(args, 'pip install without the pip cache').toContain(PIP_CACHE);
      if (installsWithApt(args)) {
        for (const mount of APT_CACHES)
          expect(args, 'apt-get install without the apt cache').toContain(mount);
      }
    }
  });
});

describe('the base image', () => {
  const list = instructions(read(BASE_DOCKERFILE));
  const runs = of(list, 'RUN').map((i) => i.args);

  it('is built on an nvidia/cuda cudnn devel image for Ubuntu 22.04', () => {
    expect(of(list, 'FROM').map((i) => i.args)).toEqual(['${CUDA_IMAGE}']);
    expect(argDefault(list, 'CUDA_IMAGE'), 'the image comes from docker-bake.hcl').toBe('');
  });

  it('installs torch, xformers and the common Python deps in separate layers, from the variant index', () => {
    const torch = runs.findIndex((run) => run.includes('"torch==${TORCH_VERSION}"'));
    const xformers = runs.findIndex((run) => run.includes('"xformers==${XFORMERS_VERSION}"'));
    const common = runs.findIndex((run) => run.includes('${COMMON_PY_DEPS}'));
    expect([torch, xformers, common].every((index) => index >= 0)).toBe(true);
    expect(new Set([torch, xformers, common]).size).toBe(3);
    expect(torch).toBeLessThan(xformers);
    expect(xformers).toBeLessThan(common);
    for (const index of [torch, xformers]) expect(runs[index]).toContain('--index-url "${TORCH_INDEX_URL}"');
    // Later pip calls (the apps') keep this torch: PIP_CONSTRAINT points at the pins.
    const constraint = list.findIndex(
      (i) => i.keyword === 'ENV' && i.args.startsWith('PIP_CONSTRAINT=/opt/podpilot/constraints.txt'),
    );
    expect(constraint).toBeGreaterThan(-1);
    expect(list.findIndex((i) => i.args === runs[common])).toBeGreaterThan(constraint);
  });

  it('declares each ARG right before the first RUN that uses it', () => {
    const fromAt = list.findIndex((i) => i.keyword === 'FROM');
    list.forEach((instruction, index) => {
      if (instruction.keyword !== 'ARG' || index < fromAt) return;
      const name = instruction.args.split('=')[0] as string;
      const next = list.slice(index + 1).find((i) => i.keyword === 'RUN');
      expect(next?.args, `ARG ${name}`).toMatch(new RegExp(`\\$\\{?${name}\\b`));
    });
  });

  it('honours PYTHON_VERSION: the venv is made with that interpreter and checked', () => {
    expect(argDefault(list, 'PYTHON_VERSION'), 'the version comes from docker-bake.hcl').toBe('');
    const python = runs.find((run) => run.includes('-m venv /opt/venv'));
    expect(python).toContain('"python${PYTHON_VERSION}" -m venv /opt/venv');
    expect(python).toContain('"python${PYTHON_VERSION}-venv"');
    expect(python).not.toContain('--system-site-packages');
    expect(of(list, 'ENV').some((i) => i.args.includes('PATH=/opt/venv/bin:$PATH'))).toBe(true);
  });

  it('has Node.js, tailscale and tini, each version pinned', () => {
    expect(
      runs.some(
        (run) => run.includes('node-v${NODE_VERSION}-linux-x64.tar.xz') && run.includes('sha256sum -c'),
      ),
    ).toBe(true);
    expect(
      runs.some(
        (run) => run.includes('tailscale_${TAILSCALE_VERSION}_amd64.tgz') && run.includes('sha256sum -c'),
      ),
    ).toBe(true);
    expect(runs.some((run) => installsWithApt(run) && /\btini\b/.test(run))).toBe(true);
  });

  it('has a podpilot user (uid 1000) owning /workspace', () => {
    expect(argDefault(list, 'PODPILOT_UID')).toBe('1000');
    expect(
      runs.some((run) => run.includes('useradd --uid "${PODPILOT_UID}"') && run.includes('/workspace')),
    ).toBe(true);
    expect(of(list, 'WORKDIR').map((i) => i.args)).toEqual(['/workspace']);
  });
});

describe.each(KINDS)('the %s image', (kind) => {
  const info = UI_KINDS[kind];
  const list = instructions(read(appDockerfile(kind)));
  const runs = of(list, 'RUN').map((i) => i.args);

  it('builds on the base through BASE_IMAGE', () => {
    expect(of(list, 'FROM').map((i) => i.args)).toEqual(['${BASE_IMAGE}']);
    // The moving tag as a default (no version in a Dockerfile); bake passes each target its base's exact tag.
    expect(argDefault(list, 'BASE_IMAGE')).toBe('ghcr.io/podpilot/podpilot/base:cu128');
  });

  it('checks out the UI repo of the UI kind table, at the version docker-bake.hcl passes', () => {
    expect(argDefault(list, 'WEBUI_REPO')).toBe(info.repo);
    expect(argDefault(list, 'WEBUI_VERSION')).toBe('');
    const checkout = runs.find((run) => run.includes('"${WEBUI_REPO}"'));
    expect(checkout).toContain(`git init -q -b main ${UI_SEED_DIR}/${info.installDir} `);
    expect(checkout).toContain('"${WEBUI_VERSION}"');
  });

  it(`installs the UI under ${UI_SEED_DIR}, owned by podpilot, and puts nothing in /workspace`, () => {
    const dir = `${UI_SEED_DIR}/${info.installDir}`;
    const checkout = runs.find((run) => run.includes('"${WEBUI_REPO}"')) ?? '';
    expect(checkout).toContain(`chown -R podpilot:podpilot ${dir}`);
    for (const run of runs) {
      expect(run).not.toMatch(/\/workspace\b/);
      // Every later step works in the installed folder: requirements by absolute path, or after a cd there.
      for (const cd of run.matchAll(/\bcd (\S+)/g)) expect(cd[1], run).toBe(dir);
      for (const requirements of run.matchAll(/pip install (?:\S+ )*-r (\S+)/g)) {
        const path = requirements[1] as string;
        expect(path.startsWith(`${dir}/`) || run.includes(`cd ${dir}`), run).toBe(true);
      }
    }
    // A later step that works in the folder (as root) gives what it made back to podpilot.
    for (const run of runs.slice(runs.indexOf(checkout) + 1)) {
      if (run.includes(`cd ${dir}`))
        expect(run, 'chown back to podpilot').toContain('chown podpilot:podpilot');
    }
  });

  it("exposes the kind's port", () => {
    expect(of(list, 'EXPOSE').map((i) => i.args)).toEqual([String(info.port)]);
  });

  it("creates the kind's model, extension and output folders in its install dir", () => {
    const checkout = runs.find((run) => run.includes('"${WEBUI_REPO}"')) ?? '';
    const made = (checkout.match(/mkdir -p ([^&]+)/)?.[1] ?? '').trim().split(/\s+/);
    const wanted = [
      ...Object.values(info.modelDirs),
      ...info.defaultOutputs.map((dir) => dir.replace(/\/$/, '')),
      ...(info.extensionsDir === null ? [] : [info.extensionsDir]),
    ];
    for (const dir of wanted) {
      expect(
        made.some((path) => path === dir || path.startsWith(`${dir}/`)),
        `${dir} in ${made.join(' ')}`,
      ).toBe(true);
    }
    expect(checkout).toContain(`${UI_SEED_DIR}/${info.installDir}`);
  });

  it('installs no torch or xformers: those come from the base', () => {
    for (const run of runs) {
      expect(run).not.toContain('download.pytorch.org');
      if (installsWithPip(run)) {
        const pip = run.slice(run.indexOf('pip install')).split('&&')[0] as string;
        expect(pip).not.toMatch(TORCH_PACKAGE);
      }
    }
  });

  it('copies the entrypoint, the podpilot wrapper and the agent bundle last, and starts under tini', () => {
    const copies = of(list, 'COPY').map((i) => i.args);
    expect(copies).toEqual([
      '--chmod=0755 docker/entrypoint.sh /usr/local/bin/podpilot-entrypoint',
      '--chmod=0755 docker/podpilot /usr/local/bin/podpilot',
      '--chmod=0644 docker/build/podpilot-agent.mjs /opt/podpilot/podpilot-agent.mjs',
    ]);
    const lastRun = list.map((i) => i.keyword).lastIndexOf('RUN');
    expect(list.findIndex((i) => i.keyword === 'COPY')).toBeGreaterThan(lastRun);
    expect(of(list, 'ENTRYPOINT').map((i) => JSON.parse(i.args))).toEqual([ENTRYPOINT]);
  });
});

describe('the files the images copy in', () => {
  it('the entrypoint runs `podpilot agent`, and the wrapper runs the bundle with node', () => {
    expect(read('docker/entrypoint.sh')).toContain('${PODPILOT_AGENT_CMD:-podpilot agent}');
    const wrapper = read('docker/podpilot');
    expect(wrapper.startsWith('#!/bin/sh\n')).toBe(true);
    expect(wrapper).toContain('exec node /opt/podpilot/podpilot-agent.mjs "$@"');
    expect(statSync(join(ROOT, 'docker/podpilot')).mode & 0o111).not.toBe(0);
  });

  it(`the entrypoint seeds the workspace from ${UI_SEED_DIR}, where the app images install their UI`, () => {
    expect(read('docker/entrypoint.sh')).toContain(`\${PODPILOT_UI_SEED_DIR:-${UI_SEED_DIR}}`);
  });

  it('every variable the entrypoint reads is explained in its header and in docs/images.md', () => {
    const text = read('docker/entrypoint.sh');
    const header = text.slice(0, text.indexOf('\nset -euo pipefail'));
    const docs = read('docs/images.md');
    const variables = new Set(
      [...text.matchAll(/\$\{((?:PODPILOT|TS)_[A-Z0-9_]+)/g)].map((m) => m[1] as string),
    );
    expect(variables.size).toBeGreaterThan(10);
    for (const name of variables) {
      expect(header, name).toMatch(new RegExp(`\\b${name}\\b`));
      expect(docs, name).toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  it('the bundle is built by an npm script', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['bundle:agent']).toBeDefined();
  });
});
