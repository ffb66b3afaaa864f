import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { asOwner, useOwnerHub } from '../test-support/app.js';
import { testDatabases } from '../test-support/databases.js';

const logged: string[] = [];
const logger = pino(
  { level: 'trace' },
  new Writable({
    write(chunk, _enc, done) {
      logged.push(String(chunk));
      done();
    },
  }),
);

describe.each(testDatabases())('secrets ($engine)', ({ open }) => {
  const t = useOwnerHub(open, {}, { logger, lifecycle: { vastaiUrl: 'http://127.0.0.1:9/api/v0' } });
  const VALUE = 'sk-very-secret-value-1234567890';

  it('stores encrypted, lists names only, and never returns or logs the value', async () => {
    const headers = asOwner(t.hub.cookie);
    const put = await t.hub.app.inject({
      method: 'PUT',
      url: '/api/secrets/vastai.api_key',
      headers,
      payload: { value: VALUE },
    });
    expect(put.statusCode).toBe(204);
    const list = await t.hub.app.inject({ method: 'GET', url: '/api/secrets', headers });
    expect(list.json()).toEqual({ secrets: [{ name: 'vastai.api_key', updatedAt: expect.any(String) }] });
    expect(list.body).not.toContain(VALUE);
    const [row] = await t.db.query<{ ciphertext: Uint8Array }>('select ciphertext from secrets');
    expect(Buffer.from(row?.ciphertext ?? []).toString('utf8')).not.toContain(VALUE);
    expect(await t.hub.services.secrets.reveal('vastai.api_key')).toBe(VALUE);
    // The provider built from it answers offers (port 9 refuses: its error must not carry the key).
    const offers = await t.hub.app.inject({ method: 'GET', url: '/api/offers?provider=vastai', headers });
    expect(offers.body).not.toContain(VALUE);
    expect(logged.join('')).not.toContain(VALUE);
    const bad = await t.hub.app.inject({
      method: 'PUT',
      url: '/api/secrets/nope',
      headers,
      payload: { value: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    const del = await t.hub.app.inject({ method: 'DELETE', url: '/api/secrets/vastai.api_key', headers });
    expect(del.statusCode).toBe(204);
    expect(await t.hub.services.secrets.reveal('vastai.api_key')).toBeNull();
    const again = await t.hub.app.inject({ method: 'DELETE', url: '/api/secrets/vastai.api_key', headers });
    expect(again.statusCode).toBe(404);
  });
});
