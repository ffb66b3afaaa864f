import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.js';
import { Notifier } from './notifier.js';

let server: Server | undefined;
const closeServer = async () => {
  const open = server;
  server = undefined;
  open?.closeAllConnections();
  if (open) await new Promise((resolve) => open.close(resolve));
};
afterEach(closeServer);

/** A webhook endpoint on loopback answering `status`; records what it got. */
async function endpoint(status: number) {
  const got: { type: string | undefined; body: unknown }[] = [];
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      got.push({ type: req.headers['content-type'], body: JSON.parse(text) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/s3cr3t-path`, got };
}

/** The events go to a stub database; the log keeps its warnings. */
function notifierFor(url: string | undefined) {
  const warnings: [Record<string, unknown>, string][] = [];
  const log = {
    warn: (fields: Record<string, unknown>, message: string) => warnings.push([fields, message]),
  };
  const db = { query: async () => [] } as unknown as Db;
  const notifier = new Notifier(db, url, log as unknown as FastifyBaseLogger, () => Date.UTC(2026, 0, 1));
  return { notifier, warnings };
}

const notice = { kind: 'budget.warning', level: 'warn', instanceId: null, message: 'half spent' } as const;

describe('Notifier webhook', () => {
  it('POSTs the notice as JSON, stamped with its time and source', async () => {
    const hook = await endpoint(204);
    const { notifier, warnings } = notifierFor(hook.url);
    await notifier.notify(notice);
    await notifier.settled();
    expect(hook.got).toEqual([
      {
        type: 'application/json',
        body: { ...notice, at: '2026-01-01T00:00:00.000Z', source: 'podpilot' },
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('logs an error answer with its status, and an unreachable endpoint without its URL', async () => {
    for (const status of [404, 500]) {
      const hook = await endpoint(status);
      const { notifier, warnings } = notifierFor(hook.url);
      await notifier.notify(notice);
      await notifier.settled();
      expect(warnings).toEqual([[{ status, kind: 'budget.warning' }, 'webhook answered an error']]);
      await closeServer();
    }
    const { notifier, warnings } = notifierFor('http://127.0.0.1:1/hooks/s3cr3t-path');
    await notifier.notify(notice);
    await notifier.settled();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.[1]).toBe('webhook unreachable');
    expect(JSON.stringify(warnings)).not.toContain('s3cr3t');
  });
});
