import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.js';
import { OutboundGuard } from '../../lib/outbound-guard.js';
import { closedPort } from '../../test-support/closed-port.js';
import { Notifier, webhookUrlProblem } from './notifier.js';

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

const guards: OutboundGuard[] = [];
afterEach(async () => {
  for (const guard of guards.splice(0)) await guard.close();
});
/** The tests' endpoints listen on loopback: listed in the allowlist unless a test says otherwise. */
const guardAllowing = (allow: string[]) => {
  const guard = new OutboundGuard({ allow });
  guards.push(guard);
  return guard;
};

/** The events go to a stub database; the log keeps its warnings. */
function notifierFor(url: string | undefined, allow = ['127.0.0.1']) {
  const warnings: [Record<string, unknown>, string][] = [];
  const log = {
    warn: (fields: Record<string, unknown>, message: string) => warnings.push([fields, message]),
  };
  const db = { query: async () => [] } as unknown as Db;
  const now = () => Date.UTC(2026, 0, 1);
  const notifier = new Notifier(db, url, log as unknown as FastifyBaseLogger, now, guardAllowing(allow));
  return { notifier, warnings };
}

/** A loopback port nothing listens on (it did a moment ago). */
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

  it('refuses a private webhook address unless listed: nothing sent, one line alike for an open and a closed port', async () => {
    const hook = await endpoint(204);
    const closed = hook.url.replace(/:\d+\//, `:${await closedPort()}/`);
    const lines: unknown[] = [];
    for (const url of [hook.url, closed]) {
      const { notifier, warnings } = notifierFor(url, []);
      await notifier.notify(notice);
      await notifier.settled();
      lines.push(warnings);
    }
    expect(hook.got).toEqual([]);
    expect(lines[0]).toEqual(lines[1]);
    expect(lines[0]).toEqual([
      [
        { kind: 'budget.warning' },
        'webhook refused: expected a public http(s) address, got one that resolves to a private address (list it in PODPILOT_OUTBOUND_ALLOW to permit it)',
      ],
    ]);
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
  });

  it('refuses a private webhook URL when it is saved, unless the allowlist names it', () => {
    for (const url of [
      'http://127.0.0.1:9/h',
      'http://[::ffff:10.0.0.1]/h',
      'http://metadata.google.internal/h',
    ])
      expect(webhookUrlProblem(url), url).toMatch(/^expected a public http\(s\) address/);
    expect(webhookUrlProblem('https://hooks.example.com/h')).toBeNull();
    expect(webhookUrlProblem('ftp://hooks.example.com/h')).toBe('expected an http(s) URL');
    expect(webhookUrlProblem('http://10.0.0.7/h', ['10.0.0.0/8'])).toBeNull();
    expect(webhookUrlProblem('http://hooks.lan/h', ['hooks.lan'])).toBeNull();
  });
});
