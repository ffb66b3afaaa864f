import { CliError } from './cli-error.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** `30m`, `2h`, `1.5d` (units s, m, h, d, w) in ms, or null when `text` is not a duration. */
export function durationMs(text: string): number | null {
  const duration = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(text.trim());
  if (!duration) return null;
  const ms = Number(duration[1]) * (UNIT_MS[(duration[2] ?? '').toLowerCase()] ?? Number.NaN);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * A time option (`--since`, `--until`) as the hub's ISO form with a `Z` offset: an ISO time (a date, a time
 * with `Z` or an offset) or a duration back from `now` such as `30m`, `2h`, `7d` (units s, m, h, d, w).
 * Throws CliError naming the flag otherwise.
 */
export function parseTimeOption(flag: string, value: string, now: number = Date.now()): string {
  const text = value.trim();
  const ms = durationMs(text);
  if (ms !== null) {
    const at = new Date(now - ms);
    if (Number.isFinite(at.getTime())) return at.toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) {
    const at = new Date(text.replace(' ', 'T'));
    if (Number.isFinite(at.getTime())) return at.toISOString();
  }
  throw new CliError(
    `${flag}: expected an ISO time (2026-11-28, 2026-11-28T10:00:00Z) or a duration back from now (30m, 2h, 7d), got "${value}"`,
  );
}
