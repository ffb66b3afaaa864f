import * as z from 'zod';
import { profileTextIssues } from '../no-nul.js';
import { ProfilePython } from './profile-python.js';
import {
  Arg,
  Commit,
  defaultExtensionName,
  defaultModelFile,
  EnvName,
  EnvValue,
  FileName,
  FilePath,
  FolderName,
  GitRef,
  GitUrl,
  MAX_INLINE_CONTENT,
  ModelName,
  ModelUrl,
  modelStorageKey,
  ProfileName,
  RelativePath,
  Sha256,
  StorageKey,
} from './profile-values.js';
import { ModelKind, UI_KINDS, UiKind, type UiKindInfo } from './ui-kinds.js';

/** Rejects unknown keys, naming the known ones, so a typo reads as what was expected. */
function mapping<T extends z.ZodRawShape>(what: string, shape: T) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `expected one of the keys ${keys}` : `expected ${what}`,
  });
}

/** Flags every later entry whose key was already used (`what` names the key for the message). */
function unique<T>(what: string, section: string, keyOf: (item: T) => string, field?: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const first = new Map<string, number>();
    items.forEach((item, index) => {
      const key = keyOf(item);
      // Refinements also run when an item failed its own checks; such an item has no key yet.
      if (typeof key !== 'string') return;
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: field === undefined ? [index] : [index, field],
          message: `expected a unique ${what}, got ${JSON.stringify(key)} again (first at ${section}[${earlier}])`,
        });
      }
    });
  };
}

function exactlyOne(a: string, b: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const present = [a, b].filter((key) => value[key] !== undefined).length;
    if (present !== 1) {
      const got = present === 0 ? 'neither' : 'both';
      ctx.addIssue({ code: 'custom', message: `expected exactly one of ${a} or ${b}, got ${got}` });
    }
  };
}

/**
 * `ui.command`: the program and script that start the UI instead of its kind's own (`python main.py`); the
 * kind's args and the profile's `args` follow. For a UI not written in Python, such as the demo UI
 * (`[node, main.mjs]`). `python` is the instance's venv, `node` the agent's own Node.
 */
export const UiCommand = z
  .array(Arg, { error: 'expected the command as a list of strings, such as [node, main.mjs]' })
  .min(1, 'expected at least the program, such as [node, main.mjs]')
  .max(20, 'expected at most 20 command words')
  .refine((words) => words.length === 0 || /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(words[0] ?? ''), {
    message: 'expected a program name (letters, digits, ".", "_", "-"), such as node or python',
    path: [0],
  });

export const ProfileUi = mapping('a ui mapping (kind, ref, repo, command)', {
  kind: UiKind,
  ref: GitRef,
  repo: GitUrl.optional(),
  command: UiCommand.optional(),
});
export type ProfileUi = z.infer<typeof ProfileUi>;

/** After parsing, `name` is always set: the folder the extension is cloned into. */
export const ProfileExtension = mapping('an extension mapping (url, ref, name)', {
  url: GitUrl,
  ref: Commit,
  name: FolderName.optional(),
}).transform((extension, ctx) => {
  const name = extension.name ?? defaultExtensionName(extension.url);
  if (name === null) {
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      message: 'expected a folder name: the URL does not end in a usable one, so set name',
      params: { omitGot: true },
    });
    return z.NEVER;
  }
  return { url: extension.url, ref: extension.ref, name };
});
export type ProfileExtension = z.infer<typeof ProfileExtension>;

export const ProfileModelSource = mapping('a source mapping with url or storage', {
  url: ModelUrl.optional(),
  storage: StorageKey.optional(),
})
  .superRefine(exactlyOne('url', 'storage'))
  .transform((source) =>
    source.url !== undefined ? { url: source.url } : { storage: source.storage as string },
  );
export type ProfileModelSource = z.infer<typeof ProfileModelSource>;

/** After parsing, `file` is always set: the file name the model is linked under. */
export const ProfileModel = mapping('a model mapping (name, kind, sha256, source, file)', {
  name: ModelName,
  kind: ModelKind,
  sha256: Sha256,
  source: ProfileModelSource,
  file: FileName.optional(),
})
  .superRefine((model, ctx) => {
    const expected = modelStorageKey(model.sha256);
    if (model.source.storage !== undefined && model.source.storage !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['source', 'storage'],
        message: `expected the storage key ${expected} (the key must match this model's sha256)`,
      });
    }
  })
  .transform((model) => ({
    name: model.name,
    kind: model.kind,
    sha256: model.sha256,
    source: model.source,
    file: model.file ?? defaultModelFile(model.name, model.source),
  }));
export type ProfileModel = z.infer<typeof ProfileModel>;

export const ProfileFile = mapping('a file mapping (path, content or storage)', {
  path: FilePath,
  content: z
    .string({ error: 'expected the file content as a string' })
    .max(
      MAX_INLINE_CONTENT,
      `expected at most ${MAX_INLINE_CONTENT} characters (put bigger files in storage)`,
    )
    .optional(),
  storage: StorageKey.optional(),
})
  .superRefine(exactlyOne('content', 'storage'))
  .transform((file) =>
    file.content !== undefined
      ? { path: file.path, content: file.content }
      : { path: file.path, storage: file.storage as string },
  );
export type ProfileFile = z.infer<typeof ProfileFile>;

export const ProfileIdle = mapping('an idle mapping (minutes, action)', {
  minutes: z
    .number({ error: 'expected whole minutes from 1 to 1440' })
    .int('expected whole minutes from 1 to 1440')
    .min(1, 'expected whole minutes from 1 to 1440')
    .max(1440, 'expected whole minutes from 1 to 1440')
    .default(30),
  action: z.enum(['stop', 'destroy'], { error: 'expected an idle action: stop or destroy' }).default('stop'),
}).prefault({});
export type ProfileIdle = z.infer<typeof ProfileIdle>;

const list = <T extends z.ZodType>(item: T, what: string, max: number) =>
  z.array(item, { error: `expected a list of ${what}` }).max(max, `expected at most ${max} ${what}`);

const ProfileFields = mapping('a profile mapping', {
  name: ProfileName,
  description: z
    .string({ error: 'expected a description (text)' })
    .max(500, 'expected at most 500 characters')
    .optional(),
  ui: ProfileUi,
  extensions: list(ProfileExtension, 'extensions', 200)
    .superRefine(unique('extension folder name', 'extensions', (e: ProfileExtension) => e.name, 'name'))
    .default(() => []),
  models: list(ProfileModel, 'models', 500)
    .superRefine(unique('model name', 'models', (m: ProfileModel) => m.name, 'name'))
    .default(() => []),
  files: list(ProfileFile, 'files', 200)
    .superRefine(unique('file path', 'files', (f: ProfileFile) => f.path, 'path'))
    .default(() => []),
  env: z
    .record(EnvName, EnvValue, { error: 'expected a mapping of environment variables' })
    .refine((env) => Object.keys(env).length <= 200, 'expected at most 200 environment variables')
    .default(() => ({})),
  args: list(Arg, 'arguments', 200).default(() => []),
  outputs: list(RelativePath, 'output paths', 100)
    .superRefine(unique('output path', 'outputs', (path: string) => path))
    .optional(),
  idle: ProfileIdle,
  python: ProfilePython.optional(),
});

/** Checks that need the UI kind: extension support and file names colliding inside one model folder. */
function checkAgainstUi(profile: z.infer<typeof ProfileFields>, ctx: z.RefinementCtx): void {
  // This also runs when parts failed their own checks (zod keeps going): guard against missing values.
  const ui = UI_KINDS[profile.ui.kind] as UiKindInfo | undefined;
  if (ui === undefined) return;
  if (ui.extensionsDir === null && profile.extensions.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['extensions'],
      message: `expected no extensions: ${profile.ui.kind} has no extensions folder`,
      params: { omitGot: true },
    });
  }
  const seen = new Map<string, number>();
  profile.models.forEach((model, index) => {
    if (typeof model.file !== 'string') return;
    const target = `${ui.modelDirs[model.kind]}/${model.file}`;
    const earlier = seen.get(target);
    if (earlier === undefined) seen.set(target, index);
    else {
      ctx.addIssue({
        code: 'custom',
        path: ['models', index, 'file'],
        message: `expected a file name no other model uses, got ${JSON.stringify(model.file)} in ${ui.modelDirs[model.kind]}/ again (first at models[${earlier}])`,
      });
    }
  });
}

/**
 * A profile: one UI at a pinned ref plus extensions, models, files, env and args. Parsing applies
 * every default, so the result is complete: extension names, model file names, outputs (the UI
 * kind's `defaultOutputs`) and the idle policy are always present.
 */
export const Profile = ProfileFields.superRefine(checkAgainstUi)
  .superRefine((profile, ctx) => {
    for (const { path, message } of profileTextIssues(profile))
      ctx.addIssue({ code: 'custom', path, message });
  })
  .transform(({ outputs, idle, ...rest }) => ({
    ...rest,
    outputs: outputs ?? [...UI_KINDS[rest.ui.kind].defaultOutputs],
    idle,
  }));
export type Profile = z.infer<typeof Profile>;
/** What a profile author may write: optional fields may be left out. */
export type ProfileInput = z.input<typeof Profile>;
