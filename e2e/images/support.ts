// Shared by the static image tests (e2e/images*.test.ts): Dockerfiles as instructions, docker-bake.hcl parsed
// and its targets expanded (matrix, inherits, the image_tags() function), as far as bake would.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile and HCL text is full of literal ${…}
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Loaded by name, not imported: the package's type declarations pull the DOM library into the whole test
// program (`/// <reference lib="dom" />`), which breaks Node's fetch types elsewhere.
const HCL2JSON = '@cdktf/hcl2json';
export const parseHcl = async (file: string, text: string): Promise<Record<string, unknown>> =>
  ((await import(HCL2JSON)) as { parse(f: string, t: string): Promise<Record<string, unknown>> }).parse(
    file,
    text,
  );

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
export const BASE_DOCKERFILE = 'docker/Dockerfile.base';
export const appDockerfile = (kind: string) => `docker/apps/${kind}/Dockerfile`;

// ---------------------------------------------------------------------------------------------------
// A Dockerfile as instructions: continuation lines joined, comments and parser directives dropped.

export interface Instruction {
  keyword: string;
  args: string;
}

export function instructions(text: string): Instruction[] {
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

export const of = (list: Instruction[], keyword: string) => list.filter((i) => i.keyword === keyword);

/** `ARG NAME=default` → the default (quotes removed); undefined when the ARG is missing. */
export function argDefault(list: Instruction[], name: string): string | undefined {
  for (const { args } of of(list, 'ARG')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(args);
    if (match?.[1] === name) return (match[2] ?? '').replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

export const installsWithPip = (run: string) => /\bpip install\b/.test(run);
export const installsWithApt = (run: string) => /\bapt-get install\b/.test(run);
export const TORCH_PACKAGE = /(^|[\s"'])(torch|torchvision|torchaudio|xformers)(==|\s|"|'|$)/;

// ---------------------------------------------------------------------------------------------------
// docker-bake.hcl: hcl2json keeps expressions as "${…}" strings; matrix targets are expanded here by
// substituting the matrix values, which is all the names, paths and tags use.

export type Json = Record<string, unknown>;
export type Block = Json & { matrix?: Record<string, string[]>; inherits?: string[] };

export interface Target {
  name: string;
  block: string;
  values: Record<string, string>;
  context: string;
  dockerfile: string;
  /** The tags expression as written (an image_tags(…) call): {@link tagsOf} evaluates it. */
  tags: string;
  args: Record<string, string>;
  contexts: Record<string, string>;
  cacheFrom: string;
  cacheTo: string;
}

export const substitute = (text: string, values: Record<string, string>) =>
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

export function expandTargets(blocks: Record<string, Block[]>): Map<string, Target> {
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
        tags: String(field(block, 'tags') ?? ''),
        args: substituteAll(field(block, 'args') as Record<string, string> | undefined, values),
        contexts: substituteAll(field(block, 'contexts') as Record<string, string> | undefined, values),
        cacheFrom: substitute(String(field(block, 'cache-from') ?? ''), values),
        cacheTo: substitute(String(field(block, 'cache-to') ?? ''), values),
      });
    }
  }
  return targets;
}

export function variableDefault(bake: Json, name: string): unknown {
  const variables = bake.variable as Record<string, { default?: unknown }[]> | undefined;
  return variables?.[name]?.[0]?.default;
}

// ---------------------------------------------------------------------------------------------------

/** Every variable's default, with `overrides` (what bake takes from the environment) on top. */
export function variables(bake: Json, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const declared = bake.variable as Record<string, { default?: unknown }[]>;
  return {
    ...Object.fromEntries(Object.entries(declared).map(([name, [block]]) => [name, block?.default])),
    ...overrides,
  };
}

/**
 * Evaluates an HCL expression of the small kind docker-bake.hcl uses (strings with ${…}, lists, indexing,
 * `==`, `? :`, concat and the file's own functions) by reading it as JavaScript: the same syntax there.
 */
export function evaluate(expression: string, scope: Record<string, unknown>): unknown {
  const whole = /^\$\{([\s\S]*)\}$/.exec(expression.trim());
  const body = (whole ? whole[1] : JSON.stringify(expression)) as string;
  const js = body.replace(/"((?:[^"\\]|\\.)*)"/g, (_, text: string) => `\`${text}\``);
  const names = Object.keys(scope);
  return new Function(...names, `return (${js});`)(...names.map((name) => scope[name]));
}

/** The bake functions (`function "x" { params, result }`) as JavaScript functions over `scope`. */
export function functions(bake: Json, scope: Record<string, unknown>): Record<string, unknown> {
  const blocks = (bake.function ?? {}) as Record<string, { params: string[]; result: string }[]>;
  const concat = (...lists: unknown[][]) => lists.flat(1);
  const all: Record<string, unknown> = { concat };
  for (const [name, [block]] of Object.entries(blocks)) {
    const params = (block?.params ?? []).map((p) => p.replace(/^\$\{(.*)\}$/, '$1'));
    all[name] = (...args: unknown[]) =>
      evaluate(block?.result ?? '', {
        ...scope,
        ...all,
        ...Object.fromEntries(params.map((p, i) => [p, args[i]])),
      });
  }
  return all;
}

/** A target's tags as bake resolves them, with `overrides` as environment variables. */
export function tagsOf(bake: Json, target: Target, overrides: Record<string, unknown> = {}): string[] {
  const scope = { ...variables(bake, overrides), ...target.values };
  return evaluate(target.tags, { ...scope, ...functions(bake, scope) }) as string[];
}
