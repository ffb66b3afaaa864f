/** A failure to report as `podpilot: <message>` (plus detail lines) with exit code 1 — no stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly details: string[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
