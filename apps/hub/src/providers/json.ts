/** Readers for loosely typed JSON answers (provider APIs, their fakes, Tailscale). */

/** A JSON number, or a numeric string (some answers quote prices); null otherwise. */
export const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value)
    ? value
    : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
      ? Number(value)
      : null;

/** A non-empty JSON string, or null. */
export const str = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/** A plain JSON object. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
