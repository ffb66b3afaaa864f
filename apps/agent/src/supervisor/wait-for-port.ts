import { connect } from 'node:net';
import { sleep } from '@podpilot/common';

/** True when something accepts TCP connections on host:port now. */
export function probe(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** Polls until the port answers; false when `signal` aborts or `timeoutMs` passes first. */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    if (await probe(host, port)) return true;
    await sleep(200, signal).catch(() => {});
  }
  return false;
}
