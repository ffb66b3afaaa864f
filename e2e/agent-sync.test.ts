import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRemote, tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import { freePort } from '../apps/agent/src/test-support/free-port.js';
import type { Db } from '../apps/hub/src/db/db.js';
import { migrate } from '../apps/hub/src/db/migrate.js';
import { openPglite } from '../apps/hub/src/db/pglite.js';
import { S3Storage } from '../apps/hub/src/storage/index.js';
import {
  type RunningS3rver,
  S3RVER_CREDENTIALS,
  startS3rver,
} from '../apps/hub/src/storage/test-support/s3rver.js';
import { appWithOwner, hubRequests, type TestHub } from '../apps/hub/src/test-support/app.js';
import { pngWithText, tEXt } from '../apps/hub/src/test-support/png.js';
import {
  agentHarness,
  exitOf,
  type RunningAgent,
  sleep,
  TINY_UI,
  waitUntil,
} from './support/agent-harness.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Output sync end to end: a real agent process, the hub on S3 storage (s3rver, driven by the AWS SDK), and
 * every check of "is it in storage" made through the S3 API rather than through our own index.
 */
describe('the agent syncs every output to storage (e2e)', () => {
  const tmp = tempDir('podpilot-sync-e2e-');
  let s3: RunningS3rver;
  let client: S3Client;
  let db: Db;
  let hub: TestHub & { cookie: string };
  const { instanceOf, runAgent, waitForOutput, waitForState, killAll } = agentHarness(() => ({ hub, db }));
  /** Every file the test wrote, by path relative to the UI folder. */
  const written = new Map<string, Buffer>();
  let instanceId = '';
  let workspace = '';
  let agent: RunningAgent;

  beforeAll(async () => {
    s3 = await startS3rver();
    const s3Config = {
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      ...S3RVER_CREDENTIALS,
      forcePathStyle: true,
    };
    client = new S3Client({
      endpoint: s3.endpoint,
      region: 'auto',
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
    db = await openPglite();
    await migrate(db);
    hub = await appWithOwner(db, {}, { storage: new S3Storage(s3Config) });

    const ui = makeRemote(tmp.dir, 'tiny-ui');
    const commit = ui.commit({ 'main.py': TINY_UI });
    const port = await freePort();
    const yaml = `name: sync
ui: { kind: comfyui, ref: ${commit}, repo: "${ui.url}" }
outputs: ["output/"]
args: ["--port", "${port}"]
`;
    const { id, bootstrap } = await instanceOf(yaml, 'sync');
    instanceId = id;
    workspace = join(tmp.dir, 'ws');
    agent = runAgent(workspace, bootstrap);
    await waitForState(id, 'ready', 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\nagent output:\n${agent.output()}`);
    });
  });
  afterAll(async () => {
    killAll();
    client?.destroy();
    await hub?.close();
    await db?.close();
    await s3?.close();
    tmp.cleanup();
  });

  const outputDir = () => join(workspace, 'ComfyUI', 'output');
  async function writeOutput(name: string, bytes: Buffer) {
    await mkdir(join(outputDir(), name, '..'), { recursive: true });
    await writeFile(join(outputDir(), name), bytes);
    written.set(`output/${name}`, bytes);
  }

  /** Every object under this instance's output prefix, with its bytes' sha256, read through the S3 API. */
  async function storedObjects(): Promise<Map<string, string>> {
    const prefix = `outputs/${instanceId}/`;
    const found = new Map<string, string>();
    let token: string | undefined;
    const keys: string[] = [];
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix, StartAfter: keys.at(-1) }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? 'more' : undefined;
    } while (token);
    for (const key of keys) {
      const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
      found.set(
        key.slice(prefix.length),
        sha(Buffer.from(await (object.Body?.transformToByteArray() ?? []))),
      );
    }
    return found;
  }

  const indexedCount = async () =>
    Number(
      (
        await db.query<{ n: string }>('select count(*) as n from outputs where instance_id = $1', [
          instanceId,
        ])
      )[0]?.n ?? 0,
    );

  /** Storage holds every written file exactly once (no second version of any), with the right bytes. */
  async function expectStorageMatchesDisk() {
    const stored = await storedObjects();
    expect(new Set(stored.keys())).toEqual(new Set(written.keys()));
    for (const [path, bytes] of written) expect(stored.get(path), path).toBe(sha(bytes));
  }

  it('kill -9 during a burst of 500 files: after a restart every file is in storage exactly once', async () => {
    const burst = (async () => {
      for (let i = 0; i < 500; i++) {
        await writeOutput(
          `burst/${String(i).padStart(4, '0')}.png`,
          randomBytes(1000 + ((i * 7919) % 20_000)),
        );
        if (i % 25 === 0) await sleep(20);
      }
    })();
    await waitUntil(
      async () => (await indexedCount()) >= 60,
      () => `no outputs indexed:\n${agent.output()}`,
    );
    agent.child.kill('SIGKILL');
    await agent.exit;
    await burst;
    expect(await indexedCount()).toBeLessThan(500); // killed mid-burst

    agent = runAgent(workspace);
    await waitForOutput(agent, /ready: the WebUI answers/);
    await waitUntil(
      async () => (await indexedCount()) >= 500,
      () => `only ${written.size} written, some never indexed:\n${agent.output()}`,
      120_000,
    );
    await expectStorageMatchesDisk();
    expect(await indexedCount()).toBe(500);
  });

  it('loses nothing while storage is down, and drains when it is back', async () => {
    const before = await indexedCount();
    await s3.down();
    for (let i = 0; i < 20; i++) await writeOutput(`outage/${i}.png`, randomBytes(5000 + i));
    await waitUntil(
      async () => {
        const facts = (await hub.services.instances.get(instanceId)).agent?.facts as
          | { sync?: { backlogFiles: number; lastError: string | null } }
          | undefined;
        return (facts?.sync?.backlogFiles ?? 0) > 0 && Boolean(facts?.sync?.lastError);
      },
      () => `the heartbeat never showed the backlog:\n${agent.output()}`,
    );
    await sleep(2000); // a few failed attempts
    await s3.up();
    await waitUntil(
      async () => (await indexedCount()) >= before + 20,
      () => `the backlog never drained:\n${agent.output()}`,
      120_000,
    );
    await expectStorageMatchesDisk();
  });

  let lastFacts: unknown;
  it('extracts the generation settings embedded in a PNG and finds it by prompt', async () => {
    const png = await pngWithText(64, 48, [
      tEXt('parameters', 'a lighthouse at dusk\nSteps: 20, Sampler: Euler'),
    ]);
    await writeOutput('a1111/00001.png', png);
    await waitUntil(
      async () => {
        lastFacts = (await hub.services.instances.get(instanceId)).agent?.facts;
        const { owner } = hubRequests(() => hub);
        // The list answers the prompt as typed; the detail has the parameters as written.
        const found = (await owner('GET', '/api/outputs?q=lighthouse')).json().outputs?.[0];
        if (!found?.prompt?.startsWith('a lighthouse at dusk')) return false;
        const detail = (await owner('GET', `/api/outputs/${found.id}`)).json();
        return detail.metadata?.parameters === 'a lighthouse at dusk\nSteps: 20, Sampler: Euler';
      },
      () => `the PNG's parameters were never indexed:\n${agent.output()}\n${JSON.stringify(lastFacts)}`,
    );
  });

  it("a final sync confirms an empty backlog, and the agent's own on SIGTERM leaves nothing behind", async () => {
    for (let i = 0; i < 30; i++) await writeOutput(`final/${i}.png`, randomBytes(3000 + i));
    const res = await hubRequests(() => hub).owner('POST', `/api/instances/${instanceId}/sync`, {
      timeoutSeconds: 60,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json(), `${res.body}\n${agent.output()}`).toMatchObject({ result: 'synced' });
    await expectStorageMatchesDisk();

    // Written just before the stop: the agent's own final sync must take them along.
    for (let i = 0; i < 10; i++) await writeOutput(`last/${i}.png`, randomBytes(2000 + i));
    agent.child.kill('SIGTERM');
    expect(await exitOf(agent)).toBe(0);
    expect(agent.output()).toMatch(/final output sync: .*backlog 0 file/);
    await expectStorageMatchesDisk();
  });
});
