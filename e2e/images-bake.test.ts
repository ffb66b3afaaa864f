// Static checks of docker-bake.hcl and the justfile: targets, groups, tags (moving and immutable), the one
// place for every upstream version, PODPILOT_-prefixed variables, bases before apps. See docs/images.md.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile and HCL text is full of literal ${…}
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PODPILOT_VERSION, UI_KINDS, type UiKind } from '@podpilot/common';
import { HUB_SETTINGS } from '@podpilot/hub/env';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_VARIANTS, imageFor } from '../apps/hub/src/providers/image-variants.js';
import {
  appDockerfile,
  argDefault,
  BASE_DOCKERFILE,
  type Block,
  evaluate,
  expandTargets,
  instructions,
  type Json,
  of,
  parseHcl,
  ROOT,
  read,
  type Target,
  tagsOf,
  variableDefault,
  variables,
} from './images/support.js';

const KINDS = Object.keys(UI_KINDS) as UiKind[];
type Pins = Record<string, string | boolean>;
const minor = (version: string) => version.split('.').slice(0, 2).map(Number) as [number, number];
const kohyaRuns = (torch: string) => minor(torch)[0] > 2 || (minor(torch)[0] === 2 && minor(torch)[1] >= 5);

describe('docker-bake.hcl', () => {
  let bake: Json;
  let targets: Map<string, Target>;
  let groups: Record<string, string[]>;
  let variants: Record<string, Pins>;
  const registry = () => variableDefault(bake, 'PODPILOT_REGISTRY') as string;
  const owner = () => variableDefault(bake, 'PODPILOT_OWNER') as string;
  /** The app targets bake builds: every kind on every variant, except Kohya where its torch is too old. */
  const expectedApps = () =>
    IMAGE_VARIANTS.flatMap((cuda) =>
      KINDS.filter((kind) => kind !== 'kohya' || variants[cuda]?.kohya === true).map((k) => `${k}-${cuda}`),
    );

  beforeAll(async () => {
    bake = await parseHcl('docker-bake.hcl', read('docker-bake.hcl'));
    targets = expandTargets(bake.target as Record<string, Block[]>);
    groups = Object.fromEntries(
      Object.entries(bake.group as Record<string, { targets: string[] }[]>).map(([name, [block]]) => [
        name,
        block?.targets ?? [],
      ]),
    );
    variants = variableDefault(bake, 'PODPILOT_CUDA_VARIANTS') as Record<string, Pins>;
  });

  it('every variable is PODPILOT_-prefixed, so an unrelated PYTHON_VERSION in the environment cannot leak in', () => {
    const names = Object.keys(bake.variable as Json);
    expect(names).toContain('PODPILOT_PYTHON_VERSION');
    expect(names.filter((name) => !name.startsWith('PODPILOT_'))).toEqual([]);
  });

  it('every target has an existing context and Dockerfile', () => {
    expect(targets.size).toBe(IMAGE_VARIANTS.length + expectedApps().length);
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

  it('has a base per CUDA variant and an app target per kind and variant, in the apps group', () => {
    for (const cuda of IMAGE_VARIANTS) expect(targets.get(`base-${cuda}`)?.dockerfile).toBe(BASE_DOCKERFILE);
    for (const name of expectedApps()) {
      const [kind, cuda] = name.split('-') as [string, string];
      const target = targets.get(name);
      expect(target?.dockerfile, name).toBe(appDockerfile(kind));
      expect(groups.apps).toContain(name);
      // FROM ${BASE_IMAGE} is the base of the same variant, from the same bake run.
      expect(target?.contexts[target?.args.BASE_IMAGE as string]).toBe(`target:base-${cuda}`);
    }
    expect(groups.apps?.sort()).toEqual(expectedApps().sort());
  });

  it('builds no Kohya image on a variant whose torch Kohya does not support (torch < 2.5)', () => {
    for (const cuda of IMAGE_VARIANTS) {
      const pins = variants[cuda] as Pins;
      expect(pins.kohya, `${cuda}: kohya flag vs torch ${pins.torch}`).toBe(kohyaRuns(String(pins.torch)));
      expect(targets.has(`kohya-${cuda}`), `kohya-${cuda} built on torch ${pins.torch}`).toBe(pins.kohya);
      expect(groups.apps?.includes(`kohya-${cuda}`), `kohya-${cuda} in the apps group`).toBe(pins.kohya);
    }
    expect(variants.cu121?.kohya, 'cu121 has torch 2.3').toBe(false);
  });

  it('pins each variant: CUDA image, torch build and xformers from that variant’s PyTorch index', () => {
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
      expect(args.CUDA_IMAGE).toContain('PODPILOT_CUDA_VARIANTS[cuda].image');
      expect(args.TORCH_VERSION).toBe(`\${PODPILOT_CUDA_VARIANTS[cuda].torch}+${cuda}`);
      expect(args.XFORMERS_VERSION).toContain('PODPILOT_CUDA_VARIANTS[cuda].xformers');
      expect(args.PYTHON_VERSION).toBe('${PODPILOT_PYTHON_VERSION}');
    }
  });

  it('is the one place for every upstream version: each Dockerfile ARG it feeds has no default of its own', () => {
    expect(variableDefault(bake, 'PODPILOT_VERSIONS_CHECKED')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const files = new Map<string, Set<string>>();
    for (const target of targets.values()) {
      const names = files.get(target.dockerfile) ?? new Set<string>();
      for (const name of Object.keys(target.args)) if (name !== 'BASE_IMAGE') names.add(name);
      files.set(target.dockerfile, names);
    }
    for (const [file, names] of files) {
      const list = instructions(read(file));
      for (const name of names) expect(argDefault(list, name), `${file}: ARG ${name}`).toBe('');
    }
    // Every version-like ARG default left in a Dockerfile would be a second place.
    for (const file of files.keys()) {
      for (const { args } of of(instructions(read(file)), 'ARG')) {
        expect(args, `${file}: ARG ${args}`).not.toMatch(/=(?:"?)\d+\.\d+/);
      }
    }
  });

  it('passes each app the UI version of the kind table; Forge a 40-hex commit, never a branch', () => {
    const versions = variableDefault(bake, 'PODPILOT_WEBUI_VERSIONS') as Record<string, string>;
    expect(Object.keys(versions).sort()).toEqual([...KINDS].sort());
    for (const kind of KINDS) expect(versions[kind], kind).toBe(UI_KINDS[kind].defaultRef);
    expect(versions.forge, 'Forge pinned to a commit').toMatch(/^[0-9a-f]{40}$/);
    expect(targets.get('forge-cu128')?.args.WEBUI_VERSION).toBe('${PODPILOT_WEBUI_VERSIONS[app]}');
  });

  it('tags <prefix>/<name>:<variant> (the hub’s moving name) and :<variant>-<project version>; CI adds the sha', () => {
    expect(variableDefault(bake, 'PODPILOT_VERSION'), 'packages/common/src/version.ts').toBe(
      PODPILOT_VERSION,
    );
    const prefix = `${registry()}/${owner()}/podpilot`;
    expect(HUB_SETTINGS.PODPILOT_IMAGE_PREFIX.fallback).toBe(prefix);
    for (const target of targets.values()) {
      const name = target.block === 'base' ? 'base' : (target.values.app ?? target.block);
      const cuda = target.values.cuda as string;
      const moving = `${prefix}/${name}:${cuda}`;
      // What the hub launches: the immutable tag of its own version.
      const launched = imageFor(prefix, name, cuda as (typeof IMAGE_VARIANTS)[number]);
      expect(tagsOf(bake, target), target.name).toEqual([moving, launched]);
      expect(tagsOf(bake, target, { PODPILOT_GIT_SHA: 'c0ffee' }), target.name).toEqual([
        moving,
        `${moving}-${PODPILOT_VERSION}`,
        `${moving}-c0ffee`,
      ]);
    }
  });

  it('reads and writes a registry cache per image when PODPILOT_REGISTRY_CACHE is set', () => {
    expect(variableDefault(bake, 'PODPILOT_REGISTRY_CACHE')).toBe(false);
    expect(variableDefault(bake, 'PODPILOT_PUSH_CACHE')).toBe(false);
    const cache = (target: Target, expression: string, env: Record<string, unknown>) =>
      evaluate(expression, { ...variables(bake, env), ...target.values });
    for (const target of targets.values()) {
      const ref = `type=registry,ref=${tagsOf(bake, target)[0]}-buildcache`;
      expect(cache(target, target.cacheFrom, {}), target.name).toEqual([]);
      expect(cache(target, target.cacheTo, { PODPILOT_REGISTRY_CACHE: true }), target.name).toEqual([]);
      expect(cache(target, target.cacheFrom, { PODPILOT_REGISTRY_CACHE: true }), target.name).toEqual([ref]);
      const both = { PODPILOT_REGISTRY_CACHE: true, PODPILOT_PUSH_CACHE: true };
      expect(cache(target, target.cacheTo, both), target.name).toEqual([`${ref},mode=max,ignore-error=true`]);
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
  const justfile = read('justfile');

  it('has the image and project recipes', () => {
    const recipes = justfile
      .split('\n')
      .map((line) => /^([a-z][a-z0-9-]*)(?:\s[^:]*)?:(?!=)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    for (const recipe of ['bake', 'bake-with-cache', 'bake-from-cache', 'cache-info', 'prune-cache', 'dev']) {
      expect(recipes, recipe).toContain(recipe);
    }
    for (const recipe of ['test', 'check']) expect(recipes, recipe).toContain(recipe);
  });

  it('`just bake all` builds the bases first, then the apps a bounded number at a time', () => {
    const bakeAll = justfile.slice(justfile.indexOf('_bake TARGET'));
    const bases = bakeAll.indexOf('docker buildx bake {{ FLAGS }} bases');
    const loop = bakeAll.indexOf('for ((i = 0; i < ${#apps[@]}; i += PODPILOT_BAKE_PARALLEL))');
    expect(bases, 'the bases in a run of their own').toBeGreaterThan(-1);
    expect(loop, 'the apps in batches').toBeGreaterThan(bases);
    expect(bakeAll).toContain('"${apps[@]:i:PODPILOT_BAKE_PARALLEL}"');
    expect(justfile).toMatch(
      /^export PODPILOT_BAKE_PARALLEL := env_var_or_default\("PODPILOT_BAKE_PARALLEL", "\d+"\)$/m,
    );
    for (const recipe of ['bake', 'bake-with-cache', 'bake-from-cache']) {
      const body = justfile.slice(justfile.indexOf(`\n${recipe} `)).split('\n\n')[0] as string;
      expect(body, recipe).toContain('just _bake "{{ TARGET }}"');
    }
  });

  it('passes the project version from packages/common/src/version.ts to bake', () => {
    expect(justfile).toContain(
      'export PODPILOT_VERSION := env_var_or_default("PODPILOT_VERSION", `sed -nE "s/^export const PODPILOT_VERSION',
    );
    expect(read('packages/common/src/version.ts')).toMatch(/^export const PODPILOT_VERSION = '[^']+';$/m);
  });
});
