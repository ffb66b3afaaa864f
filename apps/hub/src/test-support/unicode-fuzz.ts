import { catalogueEntries, type Endpoint } from '@podpilot/common';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, vi } from 'vitest';
import type { z } from 'zod';
import type { Db } from '../db/db.js';
import { localAgent } from './agents.js';
import { appWithOwner, asBearer, asOwner, type OwnerHub } from './app.js';
import { type TestDatabase, testDatabases } from './databases.js';

/**
 * Full-Unicode text (lone surrogates, astral characters, NUL, C0/C1 controls, bidi and zero-width characters,
 * long segments) for every registered route's path parameters, query string and body (routes/fuzz-unicode-*).
 */
const [pglite] = testDatabases();
const SOME_ID = '00000000-0000-4000-8000-000000000000';

/** Text with the characters that broke the hub before: each alone, inside other text, or as generated. */
const SPECIAL = [
  '\u0000',
  'a\u0000b',
  '\u202e',
  'x\u200by',
  '\ufeff',
  '\ud800',
  'a\udc00',
  '\udbff\udbff',
  '🦙',
  '\u0085',
  '\u001b[31m',
  '\t\n\r',
  '..',
  '%',
  'a'.repeat(300),
  'é'.repeat(200),
  '🦙'.repeat(100),
];
export const hostile = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.constantFrom(...SPECIAL),
        fc.string({ maxLength: 8 }),
      )
      .map(([a, b, c]) => a + b + c),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 256, maxLength: 1500 }) },
);
/** Escapes a careless client (or an attacker) writes into a URL as they are. */
const rawJunk = fc.constantFrom('', '', '', '%', '%zz', '%C0%AE', '%ED%A0%80', '%FF', '%00');

/** `text` as a URL component: UTF-8 percent-escapes, a lone surrogate as the three bytes WTF-8 gives it. */
function encodeAny(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      const bytes = [0xed, 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

export const component = fc.tuple(hostile, rawJunk).map(([text, junk]) => encodeAny(text) + junk);
export const jsonValue = fc.oneof(
  { weight: 5, arbitrary: hostile },
  { weight: 1, arbitrary: fc.array(hostile, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostile, hostile, { maxKeys: 2 }) },
  { weight: 1, arbitrary: fc.anything({ stringUnit: 'binary', maxDepth: 2 }) },
);

/** Strings that pass the usual checks (hashes, ids, times, paths, URLs), with hostile text inside some. */
const plausible = fc.oneof(
  fc.constantFrom(
    'a'.repeat(64),
    SOME_ID,
    new Date().toISOString(),
    'fuzz',
    'comfyui',
    `output/${'a'.repeat(300)}.png`,
    `output/${'é'.repeat(150)}/x.png`,
    'https://127.0.0.1:1/models/x%zz.safetensors',
    'https://127.0.0.1:1/models/%E0%A4%A.safetensors',
  ),
  fc.uuid(),
  hostile.map((h) => `output/${h}.png`),
  hostile.map((h) => `https://127.0.0.1:1/${h}`),
);
const textValue = fc.oneof({ weight: 3, arbitrary: hostile }, { weight: 2, arbitrary: plausible });

type Def = { type: string } & Record<string, unknown>;
const defOf = (schema: unknown) => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** Strings for a string schema: mostly ones its format or pattern takes (cut to its maximum), some hostile. */
function stringFor(def: Def): fc.Arbitrary<string> {
  const checks = ((def.checks ?? []) as { _zod: { def: Def } }[]).map((c) => c._zod.def);
  const max = checks.find((c) => c.check === 'max_length')?.maximum as number | undefined;
  const pattern = (def.pattern ?? checks.find((c) => c.format === 'regex')?.pattern) as RegExp | undefined;
  // Free-form strings get hostile text; formatted ones mostly pass, so the rest of the body is reached.
  let valid: fc.Arbitrary<string> | null = null;
  if (def.format === 'datetime') valid = fc.constant(new Date().toISOString());
  else if (def.format === 'url') valid = plausible.filter((u) => u.startsWith('https:'));
  else if (pattern) valid = fc.stringMatching(pattern);
  const text = valid ? fc.oneof({ weight: 9, arbitrary: valid }, hostile) : textValue;
  return max === undefined ? text : text.map((t) => t.slice(0, max));
}

/** Numbers for a number schema: mostly whole ones within its bounds, sometimes any. */
function numberFor(def: Def): fc.Arbitrary<number> {
  const checks = ((def.checks ?? []) as { _zod: { def: Def } }[]).map((c) => c._zod.def);
  const bound = (check: string, fallback: number) =>
    Math.ceil(Number(checks.find((c) => c.check === check)?.value ?? fallback));
  const min = Math.max(bound('greater_than', 0), -1e6);
  const max = Math.max(min, Math.min(bound('less_than', min + 1000), min + 1e6));
  return fc.oneof({ weight: 9, arbitrary: fc.integer({ min, max }) }, fc.integer(), fc.double());
}

/** Values shaped like `schema` (objects, arrays, enums, unions followed) whose strings are hostile or plausible. */
export function shaped(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  if (!def || depth > 8) return jsonValue;
  const inner = () => shaped(def.innerType, depth + 1);
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      return fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, shaped(v, depth + 1)])));
    }
    case 'optional':
      return fc.option(inner(), { nil: undefined, freq: 3 });
    case 'nullable':
      return fc.option(inner(), { nil: null, freq: 3 });
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return inner();
    case 'pipe':
      return shaped(def.in, depth + 1);
    case 'array':
      return fc.array(shaped(def.element, depth + 1), { minLength: 1, maxLength: 3 });
    case 'record':
      return fc.dictionary(
        shaped(def.keyType, depth + 1).map((k) => String(k)),
        shaped(def.valueType, depth + 1),
        { maxKeys: 2 },
      );
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map((o) => shaped(o, depth + 1)));
    case 'string':
      return stringFor(def);
    case 'number':
      return numberFor(def);
    case 'boolean':
      return fc.boolean();
    default:
      return jsonValue;
  }
}

/** Launching would start a real local agent: its body is fuzzed without the shape (it never gets valid). */
export const UNSHAPED = new Set(['POST /api/instances']);

/** One request of a fuzz run: the URL as sent and the JSON body, if any. */
export interface Sent {
  url: string;
  body?: unknown;
}

export interface Target {
  method: string;
  url: string;
  entry: Endpoint | undefined;
}

/** The keys of an object schema (a query string's or a body's), or none. */
export const keysOf = (schema: z.ZodType | undefined): string[] => {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
};

/** Valid-looking path parameters (a real instance for `:id` on reads), so query strings and bodies go deeper. */
export const plainParams = (target: Target, instanceId: string) =>
  target.url.replace(/:(\w+)|\*/g, (_all, name: string | undefined) =>
    name === 'id'
      ? target.method === 'GET'
        ? instanceId
        : SOME_ID
      : name === 'sha256'
        ? 'a'.repeat(64)
        : 'fuzz',
  );

/** A hub with an owner and one agent for one describe block, and a fuzzer of its routes (5xx collected). */
export function useRouteFuzz(agentName: string) {
  let db: Db;
  let hub: OwnerHub;
  let agentToken: string;
  let instanceId: string;
  let quiet: ReturnType<typeof vi.spyOn> | undefined;
  const failures: string[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();

  beforeAll(async () => {
    quiet = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    db = await (pglite as TestDatabase).open();
    // The hub's error log, so a 5xx is reported with its cause.
    const logger = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
    hub = await appWithOwner(db, {}, { logger });
    ({ id: instanceId, token: agentToken } = await localAgent({ db, hub }, agentName));
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await db?.close();
    quiet?.mockRestore();
  });

  /** Every route the server registered (HEAD is GET's twin; logging out would end the owner's session). */
  function targets(): Target[] {
    const entries = catalogueEntries();
    return hub.routes
      .filter((r) => r.method !== 'HEAD' && `${r.method} ${r.url}` !== 'POST /api/auth/logout')
      .map((r) => ({
        method: r.method,
        url: r.url,
        entry: entries.find((e) => e.method === r.method && e.path === r.url),
      }));
  }

  async function send(target: Target, url: string, body?: unknown): Promise<number> {
    seen.add(`${target.method} ${target.url}`);
    const headers: Record<string, string> = target.url.startsWith('/agent/')
      ? asBearer(agentToken)
      : asOwner(hub.cookie);
    if (target.entry?.answer === 'sse') {
      // An event stream never ends: read the status, then hang up.
      const abort = new AbortController();
      const res = await fetch(`${hub.url}${url}`, { headers, signal: abort.signal });
      abort.abort();
      return res.status;
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await hub.app.inject({
      method: target.method as 'GET',
      url,
      headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { payload }),
    });
    if (res.statusCode >= 500) {
      const cause = (JSON.parse(errors.at(-1) ?? '{}') as { err?: { stack?: string } }).err?.stack;
      failures.push(
        [
          `${target.method} ${target.url}: ${res.statusCode} ${res.body.slice(0, 200)}`,
          `  url ${url.slice(0, 3000)}`,
          ...(payload ? [`  body ${payload.slice(0, 3000)}`] : []),
          `  cause ${cause?.split('\n').slice(0, 6).join('\n    ')}`,
        ].join('\n'),
      );
    }
    return res.statusCode;
  }

  /**
   * Sends `numRuns` requests `make` generates, after the `examples` (always tried), to every target `which`
   * keeps; returns the 5xx answers found in this part.
   */
  async function fuzz(
    which: (t: Target) => boolean,
    make: (t: Target) => fc.Arbitrary<Sent>,
    numRuns: number,
    examples: (t: Target) => Sent[] = () => [],
  ): Promise<string[]> {
    const before = failures.length;
    for (const target of targets().filter(which)) {
      await fc.assert(
        fc.asyncProperty(make(target), async ({ url, body }) => {
          await send(target, url, body);
        }),
        { numRuns, examples: examples(target).map((e) => [e]) },
      );
    }
    return failures.slice(before);
  }

  return { targets, fuzz, seen, instanceId: () => instanceId };
}
