// Where version N of an output goes in a download (a pulled folder, a zip): beside version 1, never over it.

/** `a/b.png` for version 1; `a/b.v3.png` for version 3 (`a/.env.v3`, `a/README.v3`). */
export function versionedPath(path: string, version: number): string {
  if (version <= 1) return path;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  return `${path.slice(0, path.length - ext.length)}.v${version}${ext}`;
}
