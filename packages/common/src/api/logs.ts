import * as z from 'zod';

/** How much a line matters, lowest first: the agent's own lines carry one, the WebUI's never. */
export const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevel>;

/** The levels at or above `min`, lowest first (`levelsFrom('warn')` → warn, error). */
export const levelsFrom = (min: LogLevel): LogLevel[] =>
  LogLevel.options.slice(LogLevel.options.indexOf(min));

/** Who wrote a log line: the agent itself, or the WebUI's process (its stdout and stderr). */
export const LogSource = z.enum(['agent', 'webui']);
export type LogSource = z.infer<typeof LogSource>;

export const InstanceLogLine = z.object({
  id: z.number().int(),
  stream: LogSource,
  at: z.iso.datetime(),
  line: z.string(),
  /** The agent's level for its own lines; null for WebUI lines and for agents older than levels. */
  level: LogLevel.nullable().default(null), // default: answers of hubs older than levels
});
export type InstanceLogLine = z.infer<typeof InstanceLogLine>;

/** Pass the last `id` back as `after` to follow the log. */
export const ListInstanceLogsResponse = z.object({ lines: z.array(InstanceLogLine) });

/** A page size in a query: 1 to `max`, `fallback` when left out. */
const count = (max: number, fallback: number) =>
  z.coerce
    .number({ message: `expected a number from 1 to ${max}` })
    .int()
    .min(1)
    .max(max, `expected a number from 1 to ${max}`)
    .default(fallback);

const Since = z.iso.datetime({
  message: 'expected an ISO-8601 time with a Z offset, e.g. 2026-12-07T10:00:00Z',
});
const MinLevel = z.enum(LogLevel.options, { message: `expected one of ${LogLevel.options.join(', ')}` });

/**
 * `?after=&limit=&source=&level=&since=` of an instance's log lines, oldest first. `source`: only that
 * source's lines; `level`: only lines at that level or above (which leaves out WebUI lines and the lines of
 * agents older than levels: they carry none); `since`: only lines written at or after that time.
 */
export const InstanceLogsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: count(5000, 1000),
  source: z.enum(LogSource.options, { message: 'expected agent or webui' }).optional(),
  level: MinLevel.optional(),
  since: Since.optional(),
});
export type InstanceLogsQuery = z.infer<typeof InstanceLogsQuery>;

/** `?limit=&level=&since=` of an instance's events, newest first; `level` is the minimum level. */
export const InstanceEventsQuery = z.object({
  limit: count(1000, 100),
  level: MinLevel.optional(),
  since: Since.optional(),
});
export type InstanceEventsQuery = z.infer<typeof InstanceEventsQuery>;
