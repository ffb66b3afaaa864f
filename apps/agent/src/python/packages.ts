import { runProcess } from './run.js';

/** Installed distributions: normalised name (PEP 503) → version. */
export type PackageVersions = Map<string, string>;

/** PEP 503's normal form: lowercase, runs of `-`, `_`, `.` as one `-`. */
export const normalizeName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

// Reads distribution metadata directly (no pip needed in the base): `own` = only the interpreter's own
// site-packages (an overlay's, without what it sees of its base), else everything on its path.
const LIST_SCRIPT = `import json, sys, site, importlib.metadata as m
own = sys.argv[1] == 'own'
paths = [p for p in site.getsitepackages() if p.startswith(sys.prefix)]
dists = m.distributions(path=paths) if own else m.distributions()
print(json.dumps([[d.metadata['Name'], d.version] for d in dists if d.metadata['Name']]))`;

/** Parses the list script's output; later duplicates lose (the first one on the path is what imports). */
export function parsePackageList(json: string): PackageVersions {
  const versions: PackageVersions = new Map();
  for (const [name, version] of JSON.parse(json) as [string, string][]) {
    const key = normalizeName(name);
    if (!versions.has(key)) versions.set(key, version);
  }
  return versions;
}

/**
 * The distributions `python` sees (`scope: 'all'`) or has in its own site-packages (`'own'`).
 * @throws Error naming the interpreter when it cannot be run or the listing fails.
 */
export async function listPackages(
  python: string,
  scope: 'all' | 'own',
  signal?: AbortSignal,
): Promise<PackageVersions> {
  const result = await runProcess(python, ['-c', LIST_SCRIPT, scope], signal ? { signal } : {}).catch(
    (error: Error) => {
      throw new Error(`python: cannot run ${python}: ${error.message}`);
    },
  );
  if (result.code !== 0)
    throw new Error(`python: listing the packages of ${python} failed: ${result.stderr.trim().slice(-500)}`);
  return parsePackageList(result.stdout);
}

/** The packages the overlay adds or changes over its base, as sorted `name==version` pins. */
export function overlayPins(own: PackageVersions, base: PackageVersions): string[] {
  return [...own]
    .filter(([name, version]) => base.get(name) !== version && name !== 'pip' && name !== 'setuptools')
    .map(([name, version]) => `${name}==${version}`)
    .sort();
}
