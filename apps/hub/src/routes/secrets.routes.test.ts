import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
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
  const { owner } = hubRequests(() => t.hub);

  it('stores encrypted, lists names only, and never returns or logs the value', async () => {
    const put = await owner('PUT', '/api/secrets/vastai.api_key', { value: VALUE });
    expect(put.statusCode).toBe(204);
    const list = await owner('GET', '/api/secrets');
    expect(list.json()).toEqual({ secrets: [{ name: 'vastai.api_key', updatedAt: expect.any(String) }] });
    expect(list.body).not.toContain(VALUE);
    const [row] = await t.db.query<{ ciphertext: Uint8Array }>('select ciphertext from secrets');
    expect(Buffer.from(row?.ciphertext ?? []).toString('utf8')).not.toContain(VALUE);
    expect(await t.hub.services.secrets.reveal('vastai.api_key')).toBe(VALUE);
    // The provider built from it answers offers (port 9 refuses: its error must not carry the key).
    const offers = await owner('GET', '/api/offers?provider=vastai');
    expect(offers.body).not.toContain(VALUE);
    expect(logged.join('')).not.toContain(VALUE);
    const bad = await owner('PUT', '/api/secrets/nope', { value: 'x' });
    expect(bad.statusCode).toBe(400);
    const del = await owner('DELETE', '/api/secrets/vastai.api_key');
    expect(del.statusCode).toBe(204);
    expect(await t.hub.services.secrets.reveal('vastai.api_key')).toBeNull();
    const again = await owner('DELETE', '/api/secrets/vastai.api_key');
    expect(again.statusCode).toBe(404);
  });
});
