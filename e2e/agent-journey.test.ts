import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { tempDir } from '../apps/agent/src/provision/test-support/git-repos.js';
import {
  agentKill,
  containerRestart,
  hubDown,
  type Journey,
  launchBoth,
  neverRegisters,
  stopStart,
} from './support/journey/cells.js';
import { type Column, type ColumnSpec, startColumn } from './support/journey/column.js';
import { killLeftovers } from './support/journey/instances.js';
import { Matrix } from './support/journey/matrix.js';

const ALL_COLUMNS: ColumnSpec[] = [
  { name: 'local', provider: 'local', tailscale: false },
  { name: 'vastai', provider: 'vastai', tailscale: false },
  { name: 'vastai+ts', provider: 'vastai', tailscale: true },
  { name: 'runpod', provider: 'runpod', tailscale: false },
  { name: 'runpod+ts', provider: 'runpod', tailscale: true },
];
/** JOURNEY_COLUMNS=local,vastai runs only those (to debug one); all by default. */
const picked = process.env.JOURNEY_COLUMNS?.split(',');
const COLUMNS = ALL_COLUMNS.filter((c) => !picked || picked.includes(c.name));

/** The rows, in the order each column goes through them with one instance. */
const ROWS = {
  stopStart: 'launch → ready → outputs → stop → start → ready (no re-download)',
  agentKill: 'agent kill -9 → ready, nothing lost',
  containerRestart: 'container restart → ready',
  hubDown: 'hub down → caught up, queued sent once',
  neverRegisters: 'never registers → stopped at its deadline',
} as const;

/**
 * The journey matrix (issue 17): every provider, with and without Tailscale, through the lifecycle a real
 * rental goes through. Real hub processes, the real agent, the real container entrypoint (run by the
 * provider fakes) with stub tailscale/tailscaled. One instance per column goes through the rows in order;
 * the instance that never registers runs beside it. Columns run at once, each on a hub of its own.
 */
describe.concurrent('journey matrix: providers × lifecycle (e2e)', () => {
  const tmp = tempDir('podpilot-journey-');
  const matrix = new Matrix(
    Object.values(ROWS),
    COLUMNS.map((c) => c.name),
  );

  afterAll(() => {
    console.log(`journey matrix\n${matrix.table()}`);
    killLeftovers(tmp.dir);
    if (process.env.JOURNEY_KEEP) console.log(`kept ${tmp.dir}`);
    else tmp.cleanup();
  });

  for (const spec of COLUMNS) {
    // Concurrent tests must use the `expect` of their own context.
    it(spec.name, { timeout: 280_000 }, async ({ expect }) => {
      const dir = join(tmp.dir, spec.name.replace(/\W/g, '-'));
      mkdirSync(dir, { recursive: true });
      let col: Column | undefined;
      let journey: Journey | undefined;
      try {
        col = await startColumn(spec, dir);
        const started = col;
        journey = {
          ...(await launchBoth(started).catch((error: Error) => {
            throw new Error(`${error.message}\nhub:\n${started.hub.output().slice(-3000)}`);
          })),
          outputs: [],
        };
        const j = journey;
        const rows: [string, () => Promise<void>][] = [
          [ROWS.stopStart, () => stopStart(j)],
          [ROWS.agentKill, () => agentKill(j)],
          [ROWS.containerRestart, () => containerRestart(j)],
          // Before the hub goes down: a deadline cannot act while the hub is away.
          [ROWS.neverRegisters, () => neverRegisters(j)],
          [ROWS.hubDown, () => hubDown(j)],
        ];
        for (const [row, cell] of rows) {
          const result = await matrix.run(row, spec.name, cell);
          expect.soft(result.ok ? 'ok' : result.error, `${spec.name}: ${row}`).toBe('ok');
        }
      } finally {
        for (const id of [journey?.id, journey?.neverId])
          if (id && col) await col.api('POST', `/api/instances/${id}/destroy`).catch(() => {});
        await col?.close();
      }
    });
  }
});
