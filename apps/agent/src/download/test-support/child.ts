import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { FetchModelOptions, FetchModelResult } from '../types.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./fetch-child.ts', import.meta.url));

export interface FetchChild {
  process: ChildProcess;
  /** Exit code and signal, with the child's stdout (the result as JSON) and stderr. */
  exited: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
  result: () => Promise<FetchModelResult>;
}

/**
 * Runs fetchModel in a separate Node process (to SIGKILL it, or to give it other environment variables).
 * Node itself with tsx's loader: the `tsx` command is a wrapper whose death would leave its child running.
 */
export function spawnFetch(
  opts: Omit<FetchModelOptions, 'signal' | 'onProgress'>,
  env: NodeJS.ProcessEnv = {},
): FetchChild {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(opts)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as string | null,
    stdout,
    stderr,
  }));
  const result = async () => {
    const end = await exited;
    if (end.code !== 0) throw new Error(`fetch child exited ${end.code ?? end.signal}:\n${end.stderr}`);
    return JSON.parse(end.stdout) as FetchModelResult;
  };
  return { process: child, exited, result };
}
