import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationTarget } from '@podpilot/common';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotificationWatch } from '../../jobs/notification-watch.js';
import { OutboundGuard } from '../../lib/outbound-guard.js';
import { LifecycleRepository } from '../../repositories/lifecycle.repository.js';
import { moveState } from '../../repositories/transitions.js';
import { hubRequests, useOwnerHub } from '../../test-support/app.js';
import { insertInstance } from '../../test-support/costs.js';
import { testDatabases } from '../../test-support/databases.js';
import { NotificationsService } from './notifications.service.js';

/** A webhook receiver on loopback: answers each POST with the next of `statuses` (the last one repeats). */
async function receiver(statuses: number[]) {
  const got: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      got.push(JSON.parse(text));
      res.writeHead(statuses[Math.min(got.length - 1, statuses.length - 1)] ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/s3cr3t-token`;
  return { url, got };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** Warnings the service logs, to check no URL is in them. */
const logged: string[] = [];
const log = {
  warn: (fields: unknown, message: string) => logged.push(JSON.stringify(fields) + message),
} as unknown as FastifyBaseLogger;

describe.each(testDatabases())('notifications ($engine)', ({ open }) => {
  const t = useOwnerHub(open, {}, { lifecycle: { outboundAllow: ['127.0.0.1'] } });
  const { owner } = hubRequests(() => t.hub);
  const guard = new OutboundGuard({ allow: ['127.0.0.1'] });
  let service: NotificationsService;
  let watch: NotificationWatch;
  beforeAll(async () => {
    // The hub's own service, with retries a few milliseconds apart (behaviour, not time, is tested).
    const policy = { attempts: 3, baseMs: 5, capMs: 20, timeoutMs: 5_000 };
    const options = { outboundAllow: ['127.0.0.1'], guard, policy };
    service = new NotificationsService(t.db, t.hub.services.secrets, log, options);
    watch = new NotificationWatch(t.db, service, log);
    await watch.runOnce(); // the cursor starts at the newest rows
  });
  afterAll(() => guard.close());

  const addTarget = async (body: Record<string, unknown>): Promise<NotificationTarget> => {
    const res = await owner('POST', '/api/notifications/targets', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const targets = async (): Promise<NotificationTarget[]> =>
    (await owner('GET', '/api/notifications/targets')).json().targets;
  const removeAll = async () => {
    for (const target of await targets()) await owner('DELETE', `/api/notifications/targets/${target.id}`);
  };

  it('sends ready, failed and idle-warning notices to generic, Slack and Discord targets', async () => {
    const hooks = {
      generic: await receiver([204]),
      slack: await receiver([200]),
      discord: await receiver([204]),
    };
    for (const [format, hook] of Object.entries(hooks))
      await addTarget({
        name: `to ${format}`,
        format,
        url: hook.url,
        events: ['ready', 'failed', 'idle.warning'],
      });
    const id = await insertInstance(t.db, { name: 'sdxl-box', state: 'provisioning', transitions: [] });
    const other = await insertInstance(t.db, { name: 'broken-box', state: 'provisioning', transitions: [] });
    await moveState(t.db, id, 'ready', 'agent ready');
    const events = new LifecycleRepository(t.db);
    await events.event(other, 'error', 'agent.failed', 'model sdxl-refiner: it is not in the library yet');
    await moveState(t.db, other, 'failed', 'agent failed', { reason: 'the agent failed' });
    await events.event(id, 'warn', 'idle.warning', 'idle for 25 min: stopping in 5 min');
    await events.event(id, 'info', 'idle.cancelled', 'busy again'); // not a notice targets can ask for
    await watch.runOnce();
    await service.settled();

    // Notices go out in the order they were recorded, by the millisecond: the failure and the idle warning
    // here may share one, so each is found by its event rather than its place.
    const generic = hooks.generic.got as Record<string, unknown>[];
    expect(generic.map((b) => b.event).sort()).toEqual(['failed', 'idle.warning', 'ready']);
    expect(generic.find((b) => b.event === 'failed')).toMatchObject({
      instance: { id: other, name: 'broken-box', state: 'failed', stopReason: null },
      message: 'broken-box failed: model sdxl-refiner: it is not in the library yet',
      at: expect.any(String),
      data: expect.any(Object),
    });
    const slack = hooks.slack.got as { text: string; blocks: { type: string }[] }[];
    expect(slack).toHaveLength(3);
    expect(slack.some((b) => b.text.includes('PodPilot · sdxl-box: ready'))).toBe(true);
    expect(slack.some((b) => b.text.includes('model sdxl-refiner: it is not in the library yet'))).toBe(true);
    expect(slack.every((b) => b.blocks.map((block) => block.type).join() === 'section,context')).toBe(true);
    const discord = hooks.discord.got as { content: string; embeds: { title: string; color: number }[] }[];
    expect(discord.map((b) => b.embeds[0]?.title).sort()).toEqual([
      'PodPilot · broken-box: failed',
      'PodPilot · sdxl-box: idle.warning',
      'PodPilot · sdxl-box: ready',
    ]);
    expect(
      discord.find((b) => b.embeds[0]?.title === 'PodPilot · sdxl-box: idle.warning')?.content,
    ).toContain('idle for 25 min: stopping in 5 min');

    // Each notice once: another pass sends nothing more.
    await watch.runOnce();
    await service.settled();
    expect(hooks.generic.got).toHaveLength(3);
    expect((await targets()).every((target) => target.lastStatus === 'ok')).toBe(true);
    await removeAll();
  });

  it('names the stop reason; a target asking for `stopped` also gets crashes and preemptions', async () => {
    const hook = await receiver([204]);
    await addTarget({ name: 'stops', url: hook.url, events: ['stopped'] });
    const id = await insertInstance(t.db, { name: 'gpu-1', state: 'ready', transitions: [] });
    await moveState(t.db, id, 'stopping', 'crash', { stopReason: 'crashed' });
    await moveState(t.db, id, 'stopped', 'crash', { reason: 'the container exited' });
    await watch.runOnce();
    await service.settled();
    expect(hook.got).toEqual([
      expect.objectContaining({
        event: 'crashed',
        instance: expect.objectContaining({ name: 'gpu-1', state: 'stopped', stopReason: 'crashed' }),
        message: 'gpu-1 stopped: it crashed (the container exited)',
      }),
    ]);
    await removeAll();
  });

  it('retries a failing receiver: 500 then OK is delivered; always 500 leaves its last error in the API', async () => {
    const flaky = await receiver([500, 204]);
    const down = await receiver([500]);
    const ok = await addTarget({ name: 'flaky', url: flaky.url, events: ['budget'] });
    const bad = await addTarget({ name: 'down', url: down.url, events: ['budget'] });
    await new LifecycleRepository(t.db).event(
      null,
      'warn',
      'budget.warning',
      '80 % of the monthly budget is spent',
    );
    await watch.runOnce();
    await service.settled();

    expect(flaky.got).toHaveLength(2);
    expect(down.got).toHaveLength(3);
    const byId = new Map((await targets()).map((target) => [target.id, target]));
    expect(byId.get(ok.id)).toMatchObject({
      lastStatus: 'ok',
      lastError: null,
      lastDeliveryAt: expect.any(String),
    });
    expect(byId.get(bad.id)).toMatchObject({
      lastStatus: 'failed',
      lastError: 'the receiver answered 500 (after 3 tries)',
      lastErrorAt: expect.any(String),
    });
    await removeAll();
  });

  it('does not retry a 4xx other than 429, and the test button answers the delivery', async () => {
    const gone = await receiver([404]);
    const target = await addTarget({ name: 'gone', format: 'slack', url: gone.url });
    const res = await owner('POST', `/api/notifications/targets/${target.id}/test`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      delivery: { ok: false, status: 404, attempts: 1, error: 'the receiver answered 404' },
      target: { lastStatus: 'failed', lastError: 'the receiver answered 404' },
    });
    expect(gone.got).toEqual([expect.objectContaining({ text: expect.stringContaining('a test notice') })]);
    await removeAll();
  });

  it('never answers or logs a URL whole; refuses a private URL at save time naming the field', async () => {
    const hook = await receiver([500]);
    const target = await addTarget({ name: 'secret', format: 'discord', url: hook.url });
    expect(target.urlHint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…$/);
    const put = await owner('PUT', `/api/notifications/targets/${target.id}`, { events: ['ready'] });
    expect(put.json()).toMatchObject({ events: ['ready'] });
    await service.test(target.id);
    const answers = [
      (await owner('GET', '/api/notifications/targets')).body,
      put.body,
      (await owner('GET', '/api/secrets')).body,
    ];
    for (const text of [...answers, ...logged]) expect(text).not.toContain('s3cr3t');
    expect(logged.length).toBeGreaterThan(0);

    const refused = await owner('POST', '/api/notifications/targets', {
      name: 'metadata',
      url: 'http://169.254.169.254/latest',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      message: expect.stringMatching(/^url: expected a public http\(s\) address/),
      issues: [{ path: 'body.url' }],
    });
    const dup = await owner('POST', '/api/notifications/targets', { name: 'secret', url: hook.url });
    expect(dup.statusCode).toBe(409);
    await removeAll();
    expect(await targets()).toEqual([]);
  });
});
