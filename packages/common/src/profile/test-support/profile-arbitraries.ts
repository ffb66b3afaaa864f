import fc from 'fast-check';
import { stringify } from 'yaml';

/** Valid or almost valid values of each profile field, mixed with junk of every type. */
const junk = fc.oneof(
  { depthSize: 'small', maxDepth: 2 },
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 5000 }),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '../etc/passwd',
    '/abs',
    'C:\\x',
    'a\u0000b',
    '\u202e',
    'ＡＢ',
    '~',
    '*',
    '&a',
    '!!js',
  ),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const maybe = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: junk });
const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const commit = fc.oneof(hex(40), hex(39), hex(41), fc.constant('main'));
// Cheap generators on purpose (no regex-driven or URL arbitraries): 100,000 documents must stay quick.
const word = (alphabet: string, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: max });
const name = fc.oneof(
  word('abcdefghijklmnopqrstuvwxyz0123456789._-', 20),
  fc.constantFrom('Tiny', '-x', 'a'.repeat(64), 'ä', '.hidden', 'con', 'a/b'),
);
const relPath = fc.oneof(
  word('abcdefghij/._-', 24),
  fc.constantFrom(
    '../x',
    'a/../../b',
    '/etc/passwd',
    'a\\b',
    'C:/x',
    'a/./b',
    'a//b',
    '%2e%2e/x',
    'a\u0000b',
    '',
  ),
);
const url = fc.oneof(
  word('abcdefghij', 10).map((w) => `https://github.com/${w}/${w}`),
  fc.constantFrom(
    'https://github.com/comfyanonymous/ComfyUI',
    'git@github.com:a/b.git',
    'file:///etc/passwd',
    'http://x',
  ),
);

const lower = word('abcdefghij', 8);

/** A valid profile (as written by a person: optional sections present or not). */
export const validProfile: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    name: lower,
    description: fc.string({ unit: fc.constantFrom(...'abc XYZ.,-'), maxLength: 40 }),
    ui: fc.record({ kind: fc.constant('comfyui'), ref: hex(40) }),
    extensions: fc.uniqueArray(
      lower.map((w) => ({ url: `https://github.com/${w}/${w}-nodes`, ref: 'b'.repeat(40) })),
      { maxLength: 2, selector: (e) => e.url },
    ),
    models: fc.uniqueArray(
      fc.tuple(lower, hex(64)).map(([w, sha]) => ({
        name: w,
        kind: 'lora',
        sha256: sha,
        source: { url: `https://example.com/${w}.safetensors` },
      })),
      { maxLength: 2, selector: (m) => m.name },
    ),
    files: fc.uniqueArray(
      lower.map((w) => ({ path: `user/${w}.json`, content: `{"${w}": 1}` })),
      { maxLength: 2, selector: (f) => f.path },
    ),
    env: fc.dictionary(word('ABCDEFGH_', 8), lower, { maxKeys: 3 }),
    args: fc.array(
      lower.map((w) => `--${w}`),
      { maxLength: 3 },
    ),
    idle: fc.record({
      minutes: fc.integer({ min: 1, max: 1440 }),
      action: fc.constantFrom('stop', 'destroy'),
    }),
  },
  { requiredKeys: ['name', 'ui'] },
);

/** A valid profile with up to two fields replaced by junk or removed. */
const mutatedProfile: fc.Arbitrary<unknown> = fc
  .tuple(
    validProfile,
    fc.array(
      fc.tuple(
        fc.constantFrom(
          'name',
          'description',
          'ui',
          'extensions',
          'models',
          'files',
          'env',
          'args',
          'idle',
          'extra',
        ),
        fc.option(junk),
      ),
      { maxLength: 2 },
    ),
  )
  .map(([profile, changes]) => {
    const out: Record<string, unknown> = { ...profile };
    for (const [key, value] of changes) {
      if (value === null) delete out[key];
      else out[key] = value;
    }
    return out;
  });

/** A profile-shaped object: keys present or not, values valid or not, sometimes an unknown key. */
const shapedProfile: fc.Arbitrary<unknown> = fc
  .record(
    {
      name: maybe(name),
      description: maybe(fc.string({ maxLength: 40 })),
      ui: maybe(
        fc.record(
          {
            kind: maybe(fc.constantFrom('comfyui', 'a1111', 'forge', 'fooocus', 'kohya', 'invoke', 'nope')),
            ref: maybe(commit),
            repo: maybe(url),
          },
          { requiredKeys: ['kind', 'ref'] },
        ),
      ),
      extensions: maybe(
        fc.array(
          maybe(fc.record({ url: maybe(url), ref: maybe(commit), name: maybe(name) }, { requiredKeys: [] })),
          {
            maxLength: 3,
          },
        ),
      ),
      models: maybe(
        fc.array(
          maybe(
            fc.record(
              {
                name: maybe(name),
                kind: maybe(
                  fc.constantFrom(
                    'checkpoint',
                    'diffusion-model',
                    'text-encoder',
                    'lora',
                    'vae',
                    'upscaler',
                    'x',
                  ),
                ),
                sha256: maybe(hex(64)),
                source: maybe(fc.record({ url: maybe(url), storage: maybe(relPath) }, { requiredKeys: [] })),
                file: maybe(name),
              },
              { requiredKeys: [] },
            ),
          ),
          { maxLength: 3 },
        ),
      ),
      files: maybe(
        fc.array(
          maybe(
            fc.record(
              { path: maybe(relPath), content: maybe(fc.string({ maxLength: 30 })), storage: maybe(relPath) },
              { requiredKeys: [] },
            ),
          ),
          { maxLength: 3 },
        ),
      ),
      env: maybe(
        fc.dictionary(
          fc.oneof(word('ABCDEFGHIJ_0123', 10), fc.constantFrom('__proto__', 'constructor', '1X', 'a b', '')),
          maybe(fc.string({ maxLength: 20 })),
          { maxKeys: 4 },
        ),
      ),
      args: maybe(fc.array(maybe(fc.string({ maxLength: 15 })), { maxLength: 4 })),
      outputs: maybe(fc.array(maybe(relPath), { maxLength: 3 })),
      idle: maybe(
        fc.record(
          {
            minutes: maybe(fc.integer({ min: -2, max: 2000 })),
            action: maybe(fc.constantFrom('stop', 'destroy', 'x')),
          },
          { requiredKeys: [] },
        ),
      ),
      extra: junk,
    },
    { requiredKeys: [] },
  )
  .map((o) => {
    const { extra, ...rest } = o as Record<string, unknown>;
    return extra === undefined
      ? rest
      : { ...rest, [typeof extra === 'string' && extra ? extra : 'unknownKey']: extra };
  });

/** Near-valid profile values: valid ones with a few fields broken, and freely shaped ones. */
export const nearProfile: fc.Arbitrary<unknown> = fc.oneof(mutatedProfile, shapedProfile);

/** A near-valid profile written as YAML (block or flow style) or JSON. */
export const nearProfileText: fc.Arbitrary<string> = fc
  .tuple(nearProfile, fc.constantFrom('yaml', 'flow', 'json'))
  .map(([value, style]) =>
    style === 'json'
      ? JSON.stringify(value)
      : stringify(value, style === 'flow' ? { collectionStyle: 'flow' } : {}),
  );

/** YAML-looking text: indentation, keys, dashes, anchors, tags, quotes, and profile words in any order. */
export const yamlishText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'name: ',
        'ui:',
        '  kind: comfyui',
        `  ref: ${'a'.repeat(40)}`,
        'models:',
        '  - ',
        'files:',
        'env:',
        'args: [',
        ']',
        '{',
        '}',
        'idle: {minutes: 5}',
        '&a ',
        '*a',
        '<<: *a',
        '!!binary ',
        '!!js/function ',
        '---',
        '...',
        '? ',
        ': ',
        '"',
        "'",
        '|',
        '>-',
        '#',
        '%YAML 1.2',
        '\t',
        '\n',
        '\n  ',
        '__proto__: ',
        '\u0000',
        '\ufeff',
        '- [*a, *a, *a, *a]',
      ),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));

/** Any text at all, short. */
export const anyText: fc.Arbitrary<string> = fc.string({ unit: 'binary', maxLength: 200 });
