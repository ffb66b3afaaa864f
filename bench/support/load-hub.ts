// One hub process of the hub-load benchmark (run by bench/hub-load.bench.ts with tsx): the real app on PGlite
// or on a PostgreSQL database, local storage in a temporary folder, listening on a loopback port. Told
// `--make N`, it also makes the owner (an API token for the dashboard watchers) and N instances of a bench
// profile whose agents registered (a row in `instances`, a bootstrap token minted and traded in-process: the
// register route allows 30 a minute per address, and the simulated agents all come from 127.0.0.1).
// It prints one JSON line on stdout when ready; then each line "stats" on stdin is answered with a JSON line
// of its CPU time and memory, so the benchmark measures the hub alone, apart from the simulated agents.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from '../../apps/hub/src/app.js';
import type { Db } from '../../apps/hub/src/db/db.js';
import { migrate } from '../../apps/hub/src/db/migrate.js';
import { openPglite } from '../../apps/hub/src/db/pglite.js';
import { openPostgres } from '../../apps/hub/src/db/postgres.js';
import { LocalStorage } from '../../apps/hub/src/storage/index.js';
import { AGENT_PROTOCOL_VERSION } from '../../packages/common/src/index.js';
import { BENCH_APP_CONFIG, newBenchInstance } from './bench-hub.js';

const { values } = parseArgs({
  options: { database: { type: 'string' }, make: { type: 'string', default: '0' } },
});
const PROFILE = 'load';
const PROFILE_YAML = `name: ${PROFILE}\nui: { kind: comfyui, ref: ${'ab'.repeat(20)} }\noutputs: ["output/"]\n`;

const home = await mkdtemp(join(tmpdir(), 'podpilot-bench-load-hub-'));
const db: Db = values.database ? await openPostgres(values.database, { max: 10 }) : await openPglite();
await migrate(db);
let url = '';
const storage = new LocalStorage({
  root: join(home, 'storage'),
  keyFile: join(home, 'url.key'),
  baseUrl: () => url,
});
// The hub's own logger at info, as it runs for people: what it writes per request is part of the cost.
const logger = pino({ level: 'info' }, pino.destination({ dest: join(home, 'hub.log'), sync: false }));
const hub = await buildApp(BENCH_APP_CONFIG, db, { storage, home, logger });
await hub.app.listen({ host: '127.0.0.1', port: 0 });
url = `http://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}`;

const made = Number(values.make);
const instances: { id: string; agentToken: string }[] = [];
let ownerToken: string | null = null;
if (made > 0) {
  ownerToken = await makeOwner();
  await hub.services.profiles.apply(PROFILE, PROFILE_YAML);
  for (let i = 0; i < made; i++) instances.push(await makeInstance(`load-${i}`));
}
process.stdout.write(`${JSON.stringify({ url, ownerToken, instances })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'stats') continue;
  const cpu = process.cpuUsage();
  // The benchmark runs this file with --expose-gc: memory is read after a collection, not with its garbage.
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, rss, heapUsed })}\n`);
}
// stdin closed: the benchmark is done with this hub.
await hub.app.close();
await db.close();
await rm(home, { recursive: true, force: true });

async function makeOwner(): Promise<string> {
  const setup = await hub.app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { token: await hub.services.auth.issueSetupToken(), password: 'a long enough owner password' },
  });
  const cookie = setup.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const created = await hub.app.inject({
    method: 'POST',
    url: '/api/tokens',
    headers: { cookie, 'x-podpilot-csrf': '1' },
    payload: { name: 'dashboard' },
  });
  if (created.statusCode !== 201 && created.statusCode !== 200)
    throw new Error(`token: ${created.statusCode} ${created.body}`);
  return created.json().token as string;
}

async function makeInstance(name: string) {
  const { id, bootstrap } = await newBenchInstance(db, hub, name, PROFILE);
  const registered = await hub.services.agents.register({
    bootstrapToken: bootstrap,
    agentVersion: '0.1.0',
    protocolVersion: AGENT_PROTOCOL_VERSION,
  });
  return { id, agentToken: registered.agentToken };
}
