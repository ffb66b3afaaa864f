import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboundGuard } from '../../lib/outbound-guard.js';
import { closedPort } from '../../test-support/closed-port.js';
import { deliver } from './delivery.js';

let server: Server | undefined;
const guards: OutboundGuard[] = [];
afterEach(async () => {
  for (const guard of guards.splice(0)) await guard.close();
  const open = server;
  server = undefined;
  open?.closeAllConnections();
  if (open) await new Promise((resolve) => open.close(resolve));
});

const guardAllowing = (allow: string[]) => {
  const guard = new OutboundGuard({ allow });
  guards.push(guard);
  return guard;
};

/** A receiver on loopback answering the next of `answers` (the last repeats); counts what it got. */
async function endpoint(answers: { status: number; headers?: Record<string, string> }[]) {
  let got = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = answers[Math.min(got, answers.length - 1)] ?? { status: 204 };
      got++;
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/s3cr3t-path`;
  return { url, got: () => got };
}

const waits: number[] = [];
const policy = {
  attempts: 3,
  baseMs: 1,
  capMs: 50,
  timeoutMs: 5_000,
  sleep: async (ms: number) => {
    waits.push(ms);
  },
};

describe('deliver', () => {
  it('refuses a private address unless listed: nothing sent, not retried, one answer alike for an open and a closed port', async () => {
    const hook = await endpoint([{ status: 204 }]);
    const closed = hook.url.replace(/:\d+\//, `:${await closedPort()}/`);
    const outcomes = [];
    for (const url of [hook.url, closed]) {
      const { at: _at, ...rest } = await deliver(url, { event: 'test' }, guardAllowing([]), policy);
      outcomes.push(rest);
    }
    expect(hook.got()).toBe(0);
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]).toEqual({
      ok: false,
      status: null,
      attempts: 1,
      error:
        'refused: expected a public http(s) address, got one that resolves to a private address (list it in PODPILOT_OUTBOUND_ALLOW to permit it)',
    });
  });

  it('retries an unreachable receiver and a 429 (waiting its Retry-After); no URL in the error', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}/hooks/s3cr3t-path`;
    const unreachable = await deliver(closed, {}, guardAllowing(['127.0.0.1']), policy);
    expect(unreachable).toMatchObject({ ok: false, status: null, attempts: 3 });
    expect(unreachable.error).toMatch(/^the receiver could not be reached: .* \(after 3 tries\)$/);
    expect(unreachable.error).not.toContain('s3cr3t');

    waits.length = 0;
    const hook = await endpoint([{ status: 429, headers: { 'retry-after': '0.02' } }, { status: 200 }]);
    const limited = await deliver(hook.url, {}, guardAllowing(['127.0.0.1']), policy);
    expect(limited).toMatchObject({ ok: true, status: 200, attempts: 2, error: null });
    expect(waits).toEqual([20]);
  });
});
