/** `12.4` → [12, 4]; null for anything else. */
export function cudaParts(version: string): [number, number] | null {
  const match = /^(\d+)\.(\d+)$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/** Compares two CUDA versions numerically (12.10 is above 12.9); null when either is not `major.minor`. */
export function compareCuda(a: string, b: string): number | null {
  const x = cudaParts(a);
  const y = cudaParts(b);
  if (!x || !y) return null;
  return x[0] - y[0] || x[1] - y[1];
}
