/** At most this many lines of pip's output make up a failure's reason. */
const REASON_LINES = 4;
const REASON_CHARS = 1000;

// Lines that say nothing about why pip failed.
const NOISE = [
  /^\[notice\]/i,
  /^WARNING: (Retrying|You are using pip|There was an error checking)/i,
  /^\s*$/,
  /^note: This error originates from a subprocess/i,
  /^hint: See above for/i,
];

/**
 * Why pip (or an `install.py`) failed, in its own words: its `ERROR:` lines when it printed any (the last
 * few), else the last meaningful lines of stderr, else of stdout. Pure; never empty (falls back to the code).
 */
export function pipFailureReason(stderr: string, stdout = '', exitCode: number | null = null): string {
  const meaningful = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => !NOISE.some((pattern) => pattern.test(line)));
  const errLines = meaningful(stderr);
  const errors = errLines.filter((line) => /^ERROR:/.test(line));
  const chosen = errors.length > 0 ? errors : errLines.length > 0 ? errLines : meaningful(stdout);
  const reason = chosen.slice(-REASON_LINES).join('\n').trim();
  if (reason === '') return `exited with ${exitCode === null ? 'a signal' : `code ${exitCode}`}`;
  return reason.length > REASON_CHARS ? `…${reason.slice(-REASON_CHARS)}` : reason;
}
