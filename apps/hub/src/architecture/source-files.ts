import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** A source file of the repository, read for structure checks (imports, SQL, sizes). */
export interface SourceFile {
  /** Path from the repository root, with `/`. */
  path: string;
  text: string;
}

const SKIP = new Set(['node_modules', 'dist', 'coverage']);

/** Every `.ts`/`.tsx` file under `dir` (no build output, no dependencies), relative to `root`. */
export function sourceFiles(root: string, dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
        out.push({ path: relative(root, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  walk(join(root, dir));
  return out;
}

/** Tests and their helpers: exempt from the production rules. */
export const isTestCode = (path: string): boolean =>
  /\.test\.tsx?$/.test(path) || path.includes('/test-support/') || path.endsWith('.contract.ts');

/** One import or re-export of a file: its specifier and whether it brings in types only. */
export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The imports of a source text (static, re-exports, dynamic). `import { type A, type B }` counts as type-only. */
export function importsOf(text: string): ImportRef[] {
  const refs: ImportRef[] = [];
  for (const m of text.matchAll(STATIC)) {
    const clause = m[0];
    const named = /\{([^}]*)\}/.exec(clause)?.[1];
    const allTypes =
      named !== undefined &&
      !/^\s*import\s+\w+\s*,/.test(clause) &&
      named
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .every((s) => s.startsWith('type '));
    refs.push({ specifier: m[3] as string, typeOnly: m[2] !== undefined || allTypes });
  }
  for (const m of text.matchAll(DYNAMIC)) refs.push({ specifier: m[1] as string, typeOnly: false });
  return refs;
}
