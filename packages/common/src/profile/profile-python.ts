import * as z from 'zod';
import { controlCharacterIndex } from './safe-path.js';

// The profile's `python` section: pip options for private packages, and the packages a snapshot pinned.

const INDEX_EXPECTED = 'expected an http(s) URL of a package index (pip --extra-index-url)';
const LINKS_EXPECTED =
  'expected an http(s) URL or an absolute folder path on the instance where pip finds wheels (pip --find-links)';
const NO_CREDENTIALS =
  'expected a URL without credentials (profiles are not secret storage), got a user name or password in it';
const PIN_EXPECTED = 'expected a pinned package "name==version", e.g. "opencv-python==4.10.0.84"';

/** null when `value` is an http(s) URL without credentials, else the problem. */
function httpUrlProblem(value: string, expected: string): string | null {
  if (/\s/.test(value) || controlCharacterIndex(value) >= 0) return expected;
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) return expected;
  return url.username || url.password ? NO_CREDENTIALS : null;
}

function findLinksProblem(value: string): string | null {
  if (value.startsWith('/'))
    return controlCharacterIndex(value) >= 0 || value.includes('\u0000') ? LINKS_EXPECTED : null;
  return httpUrlProblem(value, LINKS_EXPECTED);
}

const refineWith = (check: (value: string) => string | null) => (value: string, ctx: z.RefinementCtx) => {
  const problem = check(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

export const PipIndexUrl = z
  .string({ error: INDEX_EXPECTED })
  .max(2048, 'expected at most 2048 characters')
  .superRefine(refineWith((value) => httpUrlProblem(value, INDEX_EXPECTED)));

export const PipFindLinks = z
  .string({ error: LINKS_EXPECTED })
  .max(2048, 'expected at most 2048 characters')
  .superRefine(refineWith(findLinksProblem));

/** `name==version`: a PEP 508 name and an exact version (what a snapshot records). */
export const PinnedPackage = z
  .string({ error: PIN_EXPECTED })
  .max(300, 'expected at most 300 characters')
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?==[A-Za-z0-9][A-Za-z0-9.+!_-]*$/, PIN_EXPECTED);

const list = <T extends z.ZodType>(item: T, what: string, max: number) =>
  z.array(item, { error: `expected a list of ${what}` }).max(max, `expected at most ${max} ${what}`);

/**
 * pip options for the UI's and extensions' requirements (`extraIndexUrls` → `--extra-index-url`, `findLinks`
 * → `--find-links`) and `packages`: exact pins installed into the instance's Python on top of them (what a
 * snapshot captured of what was installed by hand).
 */
export const ProfilePython = z.strictObject(
  {
    extraIndexUrls: list(PipIndexUrl, 'package index URLs', 20).optional(),
    findLinks: list(PipFindLinks, 'find-links locations', 20).optional(),
    packages: list(PinnedPackage, 'pinned packages', 1000).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? 'expected one of the keys extraIndexUrls, findLinks, packages'
        : 'expected a python mapping (extraIndexUrls, findLinks, packages)',
  },
);
export type ProfilePython = z.infer<typeof ProfilePython>;
