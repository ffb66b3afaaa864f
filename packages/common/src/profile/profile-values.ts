import * as z from 'zod';
import { checkRelativePath, controlCharacterIndex } from './safe-path.js';

// Field-level schemas of a profile. Every message starts with "expected"; the issue formatter
// appends what it got, unless the message already says.

export const PROFILE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const COMMIT_PATTERN = /^[0-9a-f]{40}$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;
// Starts with a letter, digit or `_` so it can never be read as a command-line option.
const FOLDER_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;
const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STORAGE_KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

/** Largest inline `files[].content`; bigger files belong in storage. */
export const MAX_INLINE_CONTENT = 1024 * 1024;

/** True for a full, lowercase 40-hex git commit id. */
export function isCommit(ref: string): boolean {
  return COMMIT_PATTERN.test(ref);
}

/** The storage key a model with this sha256 lives under. */
export function modelStorageKey(sha256: string): string {
  return `models/sha256/${sha256}`;
}

function isGitRef(ref: string): boolean {
  // A subset of git-check-ref-format; the first character excludes `-` (option injection).
  return (
    /^[A-Za-z0-9_][A-Za-z0-9._/+-]{0,199}$/.test(ref) &&
    !ref.includes('..') &&
    !ref.includes('//') &&
    !/[/.]$/.test(ref) &&
    !ref.endsWith('.lock') &&
    !ref.split('/').some((part) => part.startsWith('.'))
  );
}

const GIT_URL_EXPECTED = 'expected a git URL: https://host/path, git@host:path or file:///path';
const NO_CREDENTIALS =
  'expected a URL without credentials (profiles are not secret storage), got a user name or password in it';

function gitUrlProblem(url: string): string | null {
  if (/\s/.test(url) || controlCharacterIndex(url) >= 0) return GIT_URL_EXPECTED;
  if (url.startsWith('https://')) {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (!parsed?.hostname || parsed.pathname.length < 2) return GIT_URL_EXPECTED;
    return parsed.username || parsed.password ? NO_CREDENTIALS : null;
  }
  if (/^file:\/\/\/./.test(url)) return null;
  // scp-like syntax; the path must not start with `-` either.
  if (/^[A-Za-z0-9_][A-Za-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9.-]*:[A-Za-z0-9_~./][A-Za-z0-9._~/-]*$/.test(url))
    return null;
  return GIT_URL_EXPECTED;
}

function refineWith(check: (value: string) => string | null) {
  return (value: string, ctx: z.RefinementCtx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  };
}

const NAME_EXPECTED =
  'expected a name of lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters';
export const ProfileName = z.string({ error: NAME_EXPECTED }).regex(PROFILE_NAME_PATTERN, NAME_EXPECTED);

export const GitRef = z
  .string({ error: 'expected a tag, branch or 40-hex commit' })
  .refine(isGitRef, 'expected a tag, branch or 40-hex commit');

export const Commit = z
  .string({ error: 'expected a 40-hex commit' })
  .regex(COMMIT_PATTERN, 'expected a 40-hex commit');

export const GitUrl = z.string({ error: GIT_URL_EXPECTED }).superRefine(refineWith(gitUrlProblem));

const FOLDER_EXPECTED =
  'expected a folder name of letters, digits, ".", "_" or "-", not starting with "." or "-"';
export const FolderName = z.string({ error: FOLDER_EXPECTED }).regex(FOLDER_PATTERN, FOLDER_EXPECTED);

const MODEL_NAME_EXPECTED =
  'expected a model name of letters, digits, ".", "_" or "-", starting with a letter or digit, at most 100 characters';
export const ModelName = z
  .string({ error: MODEL_NAME_EXPECTED })
  .regex(MODEL_NAME_PATTERN, MODEL_NAME_EXPECTED);

const SHA256_EXPECTED = 'expected a sha256 of 64 lowercase hex digits';
export const Sha256 = z.string({ error: SHA256_EXPECTED }).regex(SHA256_PATTERN, SHA256_EXPECTED);

const MODEL_URL_EXPECTED = 'expected an https:// (or http://) URL to download the model from';
function modelUrlProblem(url: string): string | null {
  if (!/^https?:\/\//.test(url) || /\s/.test(url) || !URL.canParse(url)) return MODEL_URL_EXPECTED;
  const parsed = new URL(url);
  return parsed.username || parsed.password ? NO_CREDENTIALS : null;
}
export const ModelUrl = z.string({ error: MODEL_URL_EXPECTED }).superRefine(refineWith(modelUrlProblem));

const STORAGE_KEY_EXPECTED = 'expected a storage key such as models/sha256/<hex>';
export const StorageKey = z
  .string({ error: STORAGE_KEY_EXPECTED })
  .max(1024, 'expected a storage key of at most 1024 characters')
  .regex(STORAGE_KEY_PATTERN, STORAGE_KEY_EXPECTED)
  .refine((key) => !key.split('/').includes('..'), STORAGE_KEY_EXPECTED);

const FILE_NAME_EXPECTED =
  'expected a file name without "/", "\\", ":" or control characters, not "." or "..", not starting with "-"';
function isFileName(name: string): boolean {
  return (
    name.length <= 255 &&
    /^[^/\\:\s-][^/\\:]*$/.test(name) &&
    controlCharacterIndex(name) < 0 &&
    name !== '.' &&
    name !== '..'
  );
}
export const FileName = z.string({ error: FILE_NAME_EXPECTED }).refine(isFileName, FILE_NAME_EXPECTED);

export const RelativePath = z
  .string({ error: 'expected a relative path inside the UI folder' })
  .superRefine(refineWith(checkRelativePath));

export const FilePath = RelativePath.refine(
  (path) => !path.endsWith('/'),
  'expected a file path, got a folder path (ends with "/")',
);

export const ENV_NAME_EXPECTED =
  'expected an environment variable name of letters, digits and "_", not starting with a digit';
export const EnvName = z
  .string()
  .regex(ENV_NAME_PATTERN, ENV_NAME_EXPECTED)
  .refine((name) => name !== '__proto__', ENV_NAME_EXPECTED);

const NO_NUL = 'expected no NUL characters (they cannot reach a process)';
export const EnvValue = z
  .string({ error: 'expected a string value (quote numbers and booleans)' })
  .max(32_768, 'expected at most 32768 characters')
  .refine((value) => !value.includes('\u0000'), NO_NUL);

export const Arg = z
  .string({ error: 'expected a string (quote numbers and booleans)' })
  .max(4096, 'expected at most 4096 characters')
  .refine((value) => !value.includes('\u0000'), NO_NUL);

/** `extensions[].name` when the profile leaves it out: the URL's last segment without `.git`. */
export function defaultExtensionName(url: string): string | null {
  const last = url.replace(/\/+$/, '').split(/[/:]/).pop() ?? '';
  const name = last.replace(/\.git$/, '');
  return FOLDER_PATTERN.test(name) ? name : null;
}

/** `models[].file` when the profile leaves it out: the URL's last path segment if it has an extension. */
export function defaultModelFile(name: string, source: { url?: string }): string {
  if (source.url !== undefined && URL.canParse(source.url)) {
    const last = new URL(source.url).pathname.split('/').pop() ?? '';
    let decoded = last;
    try {
      decoded = decodeURIComponent(last);
    } catch {
      // A malformed escape: keep the raw segment, the check below decides.
    }
    if (decoded.includes('.') && isFileName(decoded)) return decoded;
  }
  return `${name}.safetensors`;
}
