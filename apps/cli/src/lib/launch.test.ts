import { afterEach, describe, expect, it } from 'vitest';
import { instance, type StubAnswer, stubHub } from '../test-support/stub-hub.js';
import { HubError } from './hub-client.js';
import { launchInstance, launchRequestFromFlags } from './launch.js';

const NO_WAIT = [0, 0, 0, 0];

describe('launchRequestFromFlags', () => {
  it('builds the request with the given key and the default disk', () => {
    expect(
      launchRequestFromFlags('sdxl@3', { provider: 'vastai', offer: '123', name: 'box' }, 'key-12345678'),
    ).toEqual({
      profile: 'sdxl@3',
      provider: 'vastai',
      offerId: '123',
      idempotencyKey: 'key-12345678',
      name: 'box',
      diskGb: 60,
      relaunch: 1,
    });
    expect(launchRequestFromFlags('sdxl', { provider: 'local', disk: '100', relaunch: '0' })).toMatchObject({
      provider: 'local',
      diskGb: 100,
      relaunch: 0,
    });
  });

  it('makes a fresh UUID key per invocation', () => {
    const a = launchRequestFromFlags('sdxl', { provider: 'local' });
    const b = launchRequestFromFlags('sdxl', { provider: 'local' });
    expect(a.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.idempotencyKey).not.toBe(b.idempotencyKey);
  });

  it('names the flag that is wrong', () => {
    expect(() => launchRequestFromFlags('sdxl', {})).toThrow(/^--provider: required/);
    expect(() => launchRequestFromFlags('sdxl', { provider: 'vastai' })).toThrow(/^--offer: required/);
    expect(() => launchRequestFromFlags('sdxl', { provider: 'local', offer: '1' })).toThrow(
      /^--offer: not used/,
    );
    expect(() => launchRequestFromFlags('sdxl', { provider: 'local', disk: '5' })).toThrow(
      '--disk: expected a whole number of GB from 10 to 2000, got "5"',
    );
    expect(() => launchRequestFromFlags('sdxl', { provider: 'local', disk: 'big' })).toThrow(
      /^--disk: .*"big"/,
    );
    expect(() => launchRequestFromFlags('sdxl', { provider: 'local', relaunch: '6' })).toThrow(
      '--relaunch: expected a whole number from 0 to 5, got "6"',
    );
    expect(() => launchRequestFromFlags('sdxl', { provider: 'local', relaunch: 'x' })).toThrow(
      /^--relaunch: .*"x"/,
    );
    expect(() => launchRequestFromFlags('sdxl', { provider: 'local', name: 'My Box' })).toThrow(
      /^--name: expected lowercase/,
    );
    expect(() => launchRequestFromFlags('', { provider: 'local' })).toThrow(/^PROFILE: /);
  });
});

describe('launchInstance', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  /** A hub whose first answers to POST /api/instances are `first`, then the instance. */
  async function hubAnswering(first: StubAnswer[]) {
    const made = new Set<string>();
    const hub = await stubHub({
      'POST /api/instances': (req) => {
        const next = first.shift();
        const key = (req.body as { idempotencyKey: string }).idempotencyKey;
        // The hub got the request (and may have made the instance) even when the answer is lost.
        made.add(key);
        return next ?? { status: 201, body: instance() };
      },
    });
    close = hub.close;
    return { ...hub, made };
  }

  const request = () => launchRequestFromFlags('sdxl', { provider: 'vastai', offer: '42' });

  it('retries after a 503 with the same idempotency key', async () => {
    const hub = await hubAnswering([
      { status: 503, body: { error: { code: 'internal', message: 'provider busy' } } },
    ]);
    const retries: string[] = [];
    const req = request();
    const result = await launchInstance(hub.client, req, {
      retryDelaysMs: NO_WAIT,
      onRetry: (error, attempt) => retries.push(`${attempt}: ${error.message}`),
    });
    expect(result.id).toBe(instance().id);
    expect(retries).toEqual(['2: provider busy']);
    const keys = hub.seen.map((r) => (r.body as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toEqual([req.idempotencyKey, req.idempotencyKey]);
    expect(hub.made.size).toBe(1);
  });

  it('retries after a dropped connection with the same idempotency key', async () => {
    const hub = await hubAnswering(['drop', 'drop']);
    const req = request();
    const retries: (number | undefined)[] = [];
    await launchInstance(hub.client, req, {
      retryDelaysMs: NO_WAIT,
      onRetry: (error) => retries.push(error.status),
    });
    expect(retries).toEqual([undefined, undefined]);
    expect(hub.seen).toHaveLength(3);
    expect(new Set(hub.seen.map((r) => JSON.stringify(r.body)))).toEqual(new Set([JSON.stringify(req)]));
    expect(hub.made).toEqual(new Set([req.idempotencyKey]));
  });

  it('does not retry a refusal (4xx) and gives up after the last retry', async () => {
    const refused = await hubAnswering([
      { status: 400, body: { error: { code: 'invalid_request', message: 'no such offer' } } },
    ]);
    await expect(launchInstance(refused.client, request(), { retryDelaysMs: NO_WAIT })).rejects.toThrow(
      'no such offer',
    );
    expect(refused.seen).toHaveLength(1);
    await refused.close();

    const down = await hubAnswering(Array.from({ length: 5 }, () => ({ status: 502 })));
    const error = await launchInstance(down.client, request(), { retryDelaysMs: [0, 0] }).catch((e) => e);
    expect(error).not.toBeInstanceOf(HubError);
    expect(error.message).toBe('the hub answered 502 Bad Gateway (after 3 attempts)');
    expect(error.details.join('\n')).toMatch(/check `podpilot ps`/);
    expect(down.seen).toHaveLength(3);
  });
});
