import { readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { ID, readRecord, UnreadableRecord } from './instance-record.js';

/**
 * The WebUI ports of the local provider. Its instances share this machine's ports, so each gets its own:
 * picked free on loopback, kept in `instance.json`, passed to the agent as `PODPILOT_WEBUI_PORT`.
 */

/** Whether `port` can be bound on loopback now (another process may take it a moment later). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the kernel calls free on loopback (bind to port 0, read it, close). */
function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A WebUI port for an instance: `preferred` (the one it had, so its address stays the same across stop and
 * start) when still free, else a new free loopback port that is not in `taken` (ports of the provider's other
 * instances, which may be stopped now and want theirs back). Throws when none can be found.
 */
export async function pickWebuiPort(
  preferred: number | undefined,
  taken: ReadonlySet<number>,
): Promise<number> {
  if (preferred !== undefined && !taken.has(preferred) && (await portIsFree(preferred))) return preferred;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await anyFreePort();
    if (port > 0 && !taken.has(port)) return port;
  }
  throw new Error('no free loopback port for the WebUI');
}

/** The WebUI ports recorded by the instances under `root` other than `id` (stopped ones too). */
export async function recordedPorts(root: string, id: string): Promise<Set<number>> {
  const names = await readdir(root).catch(() => [] as string[]);
  const records = await Promise.all(
    names.filter((n) => ID.test(n) && n !== id).map((n) => readRecord(root, n)),
  );
  const ports = new Set<number>();
  for (const r of records) if (r && !(r instanceof UnreadableRecord) && r.webuiPort) ports.add(r.webuiPort);
  return ports;
}
