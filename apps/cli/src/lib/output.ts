/** Prints a value as pretty JSON on stdout (the `--json` mode of every command). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Rows as an aligned text table with a header, one line per row (each ending in a newline). */
export function formatTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [
    headers,
    ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c)))),
  ];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((row) => `${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}\n`)
    .join('');
}

/** Prints rows as an aligned text table with a header. */
export function printTable(headers: string[], rows: (string | number | null | undefined)[][]): void {
  process.stdout.write(formatTable(headers, rows));
}

/**
 * A moment as every command prints it: ISO 8601 in UTC to the second, `2026-12-07T10:00:05Z` (sorts as text,
 * parses anywhere, no time zone to guess). Text that is not a time is printed as it is.
 */
export function formatTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : iso;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 75 → "1 min 15 s", 3720 → "1 h 2 min", 9 → "9 s"; "…" when unknown (no rate yet, or none at all). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '…';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.round((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

/** Bytes per second as "12.3 MiB/s"; "…" before a rate is known. */
export const formatRate = (bytesPerSecond: number): string =>
  Number.isFinite(bytesPerSecond) && bytesPerSecond > 0
    ? `${formatBytes(Math.round(bytesPerSecond))}/s`
    : '…';

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
