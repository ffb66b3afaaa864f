// Static checks of the container build files (there is no Docker engine to build them with): every
// Dockerfile parses without a diagnostic, docker-bake.hcl names what exists, and the images agree with the
// UI kind table and with the image names the hub launches. See docs/images.md.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile and HCL text is full of literal ${…}
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UI_KINDS, type UiKind } from '@podpilot/common';
import { HUB_SETTINGS } from '@podpilot/hub/env';
import { validate } from 'dockerfile-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_VARIANTS, imageFor } from '../apps/hub/src/providers/image-variants.js';

// Loaded by name, not imported: the package's type declarations pull the DOM library into the whole test
// program (`/// <reference lib="dom" />`), which breaks Node's fetch types elsewhere.
const HCL2JSON = '@cdktf/hcl2json';
const parseHcl = async (file: string, text: string): Promise<Record<string, unknown>> =>
  ((await import(HCL2JSON)) as { parse(f: string, t: string): Promise<Record<string, unknown>> }).parse(
    file,
    text,
  );

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const KINDS = Object.keys(UI_KINDS) as UiKind[];
const BASE_DOCKERFILE = 'docker/Dockerfile.base';
const appDockerfile = (kind: string) => `docker/apps/${kind}/Dockerfile`;
const ENTRYPOINT = ['/usr/bin/tini', '--', '/usr/local/bin/podpilot-entrypoint'];
const PIP_CACHE = '--mount=type=cache,target=/root/.cache/pip';
const APT_CACHES = ['--mount=type=cache,target=/var/cache/apt', '--mount=type=cache,target=/var/lib/apt'];
/** Where the app images install their UI: a volume mounted on /workspace would hide it there. */
const UI_SEED_DIR = '/opt/podpilot/ui';

// ---------------------------------------------------------------------------------------------------
// A Dockerfile as instructions: continuation lines joined, comments and parser directives dropped.

interface Instruction {
  keyword: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue; // a comment may sit between continuation lines
    current = current === '' ? line : `${current} ${line}`;
    if (current.endsWith('\\')) {
      current = current.slice(0, -1).trimEnd();
      continue;
    }
    if (current !== '') {
      const [keyword = '', ...rest] = current.split(/\s+/);
      result.push({ keyword: keyword.toUpperCase(), args: rest.join(' ') });
    }
    current = '';
  }
  return result;
}

const of = (list: Instruction[], keyword: string) => list.filter((i) => i.keyword === keyword);

/** `ARG NAME=default` → the default (quotes removed); undefined when the ARG is missing. */
function argDefault(list: Instruction[], name: string): string | undefined {
  for (const { args } of of(list, 'ARG')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(args);
    if (match?.[1] === name) return (match[2] ?? '').replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

const installsWithPip = (run: string) => /\bpip install\b/.test(run);
const installsWithApt = (run: string) => /\bapt-get install\b/.test(run);
const TORCH_PACKAGE = /(^|[\s"'])(torch|torchvision|torchaudio|xformers)(==|\s|"|'|$)/;

// ---------------------------------------------------------------------------------------------------
// docker-bake.hcl: hcl2json keeps expressions as "${…}" strings; matrix targets are expanded here by
// substituting the matrix values, which is all the names, paths and tags use.

type Json = Record<string, unknown>;
type Block = Json & { matrix?: Record<string, string[]>; inherits?: string[] };

interface Target {
  name: string;
  block: string;
  values: Record<string, string>;
  context: string;
  dockerfile: string;
  tags: string[];
  args: Record<string, string>;
  contexts: Record<string, string>;
  cacheFrom: string;
  cacheTo: string;
}

const substitute = (text: string, values: Record<string, string>) =>
  text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => values[name] ?? whole);

const substituteAll = (record: Record<string, string> | undefined, values: Record<string, string>) =>
  Object.fromEntries(Object.entries(record ?? {}).map(([key, value]) => [key, substitute(value, values)]));

function combinations(matrix: Record<string, string[]> | undefined): Record<string, string>[] {
  let result: Record<string, string>[] = [{}];
  for (const [name, options] of Object.entries(matrix ?? {})) {
    result = result.flatMap((combo) => options.map((option) => ({ ...combo, [name]: option })));
  }
  return result;
}

function expandTargets(blocks: Record<string, Block[]>): Map<string, Target> {
  const only = (name: string): Block => {
    const list = blocks[name];
    if (list?.length !== 1) throw new Error(`target ${name}: expected one block, got ${list?.length ?? 0}`);
    return list[0] as Block;
  };
  /** A field from the block or, failing that, from what it inherits (depth first, like bake). */
  const field = (block: Block, key: string): unknown =>
    block[key] ??
    (block.inherits ?? []).map((parent) => field(only(parent), key)).find((v) => v !== undefined);
  const targets = new Map<string, Target>();
  for (const blockName of Object.keys(blocks)) {
    if (blockName.startsWith('_')) continue; // abstract: only inherited
    const block = only(blockName);
    for (const values of combinations(block.matrix)) {
      const name = substitute((block.name as string | undefined) ?? blockName, values);
      targets.set(name, {
        name,
        block: blockName,
        values,
        context: substitute((field(block, 'context') as string | undefined) ?? '.', values),
        dockerfile: substitute((field(block, 'dockerfile') as string | undefined) ?? 'Dockerfile', values),
        tags: ((field(block, 'tags') as string[] | undefined) ?? []).map((tag) => substitute(tag, values)),
        args: substituteAll(field(block, 'args') as Record<string, string> | undefined, values),
        contexts: substituteAll(field(block, 'contexts') as Record<string, string> | undefined, values),
        cacheFrom: substitute(String(field(block, 'cache-from') ?? ''), values),
        cacheTo: substitute(String(field(block, 'cache-to') ?? ''), values),
      });
    }
  }
  return targets;
}

function variableDefault(bake: Json, name: string): unknown {
  const variables = bake.variable as Record<string, { default?: unknown }[]> | undefined;
  return variables?.[name]?.[0]?.default;
}

// ---------------------------------------------------------------------------------------------------

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
    expect(argDefault(list, 'CUDA_IMAGE')).toMatch(/^nvidia\/cuda:12\.\d+\.\d+-cudnn\d*-devel-ubuntu22\.04$/);
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
    expect(
      of(list, 'ENV').some((i) => i.args.startsWith('PIP_CONSTRAINT=/opt/podpilot/constraints.txt')),
    ).toBe(true);
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
    expect(argDefault(list, 'PYTHON_VERSION')).toMatch(/^3\.1[01]$/);
    const python = runs.find((run) => run.includes('-m venv /opt/venv'));
    expect(python).toContain('"python${PYTHON_VERSION}" -m venv /opt/venv');
    expect(python).toContain('"python${PYTHON_VERSION}-venv"');
    expect(python).not.toContain('--system-site-packages');
    expect(of(list, 'ENV').some((i) => i.args.includes('PATH=/opt/venv/bin:$PATH'))).toBe(true);
  });

  it('has Node.js, tailscale and tini, each version pinned', () => {
    expect(argDefault(list, 'NODE_VERSION')).toMatch(/^20\.\d+\.\d+$/);
    expect(argDefault(list, 'TAILSCALE_VERSION')).toMatch(/^1\.\d+\.\d+$/);
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
    expect(argDefault(list, 'BASE_IMAGE')).toBe(imageFor('ghcr.io/podpilot/podpilot', 'base', 'cu128'));
  });

  it('pins the UI repo and version of the UI kind table', () => {
    expect(argDefault(list, 'WEBUI_REPO')).toBe(info.repo);
    expect(argDefault(list, 'WEBUI_VERSION')).toBe(info.defaultRef);
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

describe('docker-bake.hcl', () => {
  let bake: Json;
  let targets: Map<string, Target>;
  let groups: Record<string, string[]>;
  const registry = () => variableDefault(bake, 'REGISTRY') as string;
  const owner = () => variableDefault(bake, 'OWNER') as string;

  beforeAll(async () => {
    bake = await parseHcl('docker-bake.hcl', read('docker-bake.hcl'));
    targets = expandTargets(bake.target as Record<string, Block[]>);
    groups = Object.fromEntries(
      Object.entries(bake.group as Record<string, { targets: string[] }[]>).map(([name, [block]]) => [
        name,
        block?.targets ?? [],
      ]),
    );
  });

  it('every target has an existing context and Dockerfile', () => {
    expect(targets.size).toBe(IMAGE_VARIANTS.length * (1 + KINDS.length));
    for (const target of targets.values()) {
      const context = join(ROOT, target.context);
      expect(statSync(context).isDirectory(), target.name).toBe(true);
      expect(existsSync(join(context, target.dockerfile)), `${target.name}: ${target.dockerfile}`).toBe(true);
    }
  });

  it('has the groups default, bases, apps and all, naming existing targets or groups', () => {
    expect(Object.keys(groups).sort()).toEqual(['all', 'apps', 'bases', 'default']);
    for (const [group, members] of Object.entries(groups)) {
      for (const member of members) {
        expect(targets.has(member) || member in groups, `${group} → ${member}`).toBe(true);
      }
    }
    expect(groups.default).toEqual(['base-cu128', 'a1111-cu128']);
    expect(groups.bases?.sort()).toEqual(IMAGE_VARIANTS.map((cuda) => `base-${cuda}`).sort());
    expect(groups.all?.sort()).toEqual(['apps', 'bases']);
  });

  it('has a base per CUDA variant and a target per app and variant, in the apps group', () => {
    for (const cuda of IMAGE_VARIANTS) {
      expect(targets.get(`base-${cuda}`)?.dockerfile).toBe(BASE_DOCKERFILE);
      for (const kind of KINDS) {
        const target = targets.get(`${kind}-${cuda}`);
        expect(target?.dockerfile, `${kind}-${cuda}`).toBe(appDockerfile(kind));
        expect(groups.apps).toContain(`${kind}-${cuda}`);
        // FROM ${BASE_IMAGE} is the base of the same variant, from the same bake run.
        const baseArg = target?.args.BASE_IMAGE as string;
        expect(target?.contexts[baseArg]).toBe(`target:base-${cuda}`);
      }
    }
    expect(groups.apps?.length).toBe(IMAGE_VARIANTS.length * KINDS.length);
  });

  it('pins each variant: CUDA image, torch build and xformers from that variant’s PyTorch index', () => {
    const variants = variableDefault(bake, 'CUDA_VARIANTS') as Record<string, Record<string, string>>;
    expect(Object.keys(variants).sort()).toEqual([...IMAGE_VARIANTS].sort());
    for (const [cuda, pins] of Object.entries(variants)) {
      const version = `${cuda.slice(2, 4)}.${cuda.slice(4)}`; // cu124 → 12.4
      expect(pins.image).toMatch(
        new RegExp(`^nvidia/cuda:${version.replace('.', '\\.')}\\.\\d+-cudnn\\d*-devel-ubuntu22\\.04$`),
      );
      for (const key of ['torch', 'torchvision', 'torchaudio', 'xformers']) {
        expect(pins[key], `${cuda} ${key}`).toMatch(/^\d+\.\d+\.\d+(\.post\d+)?$/);
      }
      const args = targets.get(`base-${cuda}`)?.args ?? {};
      expect(args.TORCH_INDEX_URL).toBe(`https://download.pytorch.org/whl/${cuda}`);
      expect(args.CUDA_IMAGE).toContain('CUDA_VARIANTS[cuda].image');
      expect(args.TORCH_VERSION).toBe(`\${CUDA_VARIANTS[cuda].torch}+${cuda}`);
      expect(args.XFORMERS_VERSION).toContain('CUDA_VARIANTS[cuda].xformers');
      expect(args.PYTHON_VERSION).toBe('${PYTHON_VERSION}');
    }
    // The Dockerfile's own defaults are the cu128 pins, so a plain `docker build` gets a consistent set.
    const base = instructions(read(BASE_DOCKERFILE));
    expect(argDefault(base, 'CUDA_IMAGE')).toBe(variants.cu128?.image);
    expect(argDefault(base, 'TORCH_VERSION')).toBe(variants.cu128?.torch);
    expect(argDefault(base, 'XFORMERS_VERSION')).toBe(variants.cu128?.xformers);
    expect(argDefault(base, 'PYTHON_VERSION')).toBe(variableDefault(bake, 'PYTHON_VERSION'));
  });

  it('passes each app the UI version of the kind table', () => {
    const versions = variableDefault(bake, 'WEBUI_VERSIONS') as Record<string, string>;
    expect(Object.keys(versions).sort()).toEqual([...KINDS].sort());
    for (const kind of KINDS) expect(versions[kind], kind).toBe(UI_KINDS[kind].defaultRef);
    expect(variableDefault(bake, 'FORGE_VERSION')).toBe(UI_KINDS.forge.defaultRef);
  });

  it('tags <registry>/<owner>/podpilot/<name>:<variant>, as the hub names the images it launches', () => {
    for (const target of targets.values()) {
      const name = target.block === 'base' ? 'base' : (target.values.app as string);
      const cuda = target.values.cuda as string;
      expect(target.tags).toEqual([`\${REGISTRY}/\${OWNER}/podpilot/${name}:${cuda}`]);
    }
    const prefix = `${registry()}/${owner()}/podpilot`;
    expect(HUB_SETTINGS.PODPILOT_IMAGE_PREFIX.fallback).toBe(prefix);
    const tag = (targets.get('comfyui-cu124')?.tags[0] ?? '')
      .replace('${REGISTRY}', registry())
      .replace('${OWNER}', owner());
    expect(tag).toBe(imageFor(prefix, 'comfyui', 'cu124'));
  });

  it('reads and writes a registry cache per image when REGISTRY_CACHE is set', () => {
    expect(variableDefault(bake, 'REGISTRY_CACHE')).toBe(false);
    expect(variableDefault(bake, 'PUSH_CACHE')).toBe(false);
    for (const target of targets.values()) {
      const ref = `type=registry,ref=${target.tags[0]}-buildcache`;
      expect(target.cacheFrom, target.name).toMatch(/^\$\{REGISTRY_CACHE \?/);
      expect(target.cacheFrom, target.name).toContain(`"${ref}"`);
      expect(target.cacheTo, target.name).toMatch(/^\$\{REGISTRY_CACHE && PUSH_CACHE \?/);
      expect(target.cacheTo, target.name).toContain(`"${ref},mode=max`);
    }
  });

  it('the override example parses and sets only variables docker-bake.hcl declares', async () => {
    const example = await parseHcl(
      'docker-bake.override.hcl.example',
      read('docker-bake.override.hcl.example'),
    );
    const declared = Object.keys(bake.variable as Json);
    for (const name of Object.keys((example.variable as Json | undefined) ?? {})) {
      expect(declared, name).toContain(name);
    }
  });
});

describe('justfile', () => {
  it('has the image and project recipes', () => {
    const recipes = read('justfile')
      .split('\n')
      .map((line) => /^([a-z][a-z0-9-]*)(?:\s[^:]*)?:(?!=)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    for (const recipe of [
      'bake',
      'bake-with-cache',
      'bake-from-cache',
      'cache-info',
      'prune-cache',
      'dev',
      'test',
      'check',
    ]) {
      expect(recipes, recipe).toContain(recipe);
    }
  });
});
