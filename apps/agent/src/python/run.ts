import { spawn } from 'node:child_process';
import { loneSurrogateIndex } from '@podpilot/common';

/** How a finished process ended, with what it printed (each stream capped at its last `MAX_OUTPUT` chars). */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 256 * 1024;

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Each line of output, as it comes (for the agent's log). */
  onLine?: (line: string) => void;
}

/** The last `MAX_OUTPUT` units of `text`, without the low half of a pair whose high half was cut off. */
const keepTail = (text: string) => {
  if (text.length <= MAX_OUTPUT) return text;
  const tail = text.slice(-MAX_OUTPUT);
  return loneSurrogateIndex(tail) === 0 ? tail.slice(1) : tail;
};

/**
 * Runs `command args` to its end and resolves with its exit code and output; never rejects for a non-zero
 * exit (the caller reads `code`). Rejects when the program cannot be started, or with the signal's reason
 * when aborted (the process is killed).
 */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const lines = (chunk: string) => {
      if (!options.onLine) return;
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) options.onLine(line);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = keepTail(stdout + chunk);
      lines(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = keepTail(stderr + chunk);
      lines(chunk);
    });
    child.once('error', (error) => reject(options.signal?.aborted ? options.signal.reason : error));
    child.once('close', (code) => {
      if (partial.trim()) options.onLine?.(partial);
      if (options.signal?.aborted) reject(options.signal.reason);
      else resolve({ code, stdout, stderr });
    });
  });
}
