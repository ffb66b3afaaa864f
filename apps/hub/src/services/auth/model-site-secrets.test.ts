import { describe, expect, it } from 'vitest';
import { hubRequests, useOwnerHub } from '../../test-support/app.js';
import { testDatabases } from '../../test-support/databases.js';

describe.each(testDatabases())('model-site secrets ($engine)', ({ open }) => {
  const t = useOwnerHub(open);
  const { owner } = hubRequests(() => t.hub);
  const put = (name: string, value: string) => owner('PUT', `/api/secrets/${name}`, { value });

  it('stores huggingface.token, civitai.token and a per-host header, never echoing a value', async () => {
    expect((await put('huggingface.token', 'hf_abcdef123456')).statusCode).toBe(204);
    expect((await put('civitai.token', 'c0ffee1234')).statusCode).toBe(204);
    expect((await put('model-host.models.example.com.header', 'X-Api-Key: k-987654')).statusCode).toBe(204);
    expect(await t.hub.services.secrets.reveal('model-host.models.example.com.header')).toBe(
      'X-Api-Key: k-987654',
    );
    const names = (await owner('GET', '/api/secrets')).json().secrets.map((s: { name: string }) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(['huggingface.token', 'civitai.token', 'model-host.models.example.com.header']),
    );
  });

  it.each([
    ['model-host.models.example.com.header', 'no colon here', 'body.value', 'expected "Name: value"'],
    ['model-host.models.example.com.header', 'X-Key: a\r\nHost: evil', 'body.value', 'on one line'],
    [
      'model-host.models.example.com.header',
      'Host: evil.example',
      'body.value',
      'set by the download itself',
    ],
    ['huggingface.token', 'Bearer hf_abcdef', 'body.value', 'without "Bearer "'],
    ['civitai.token', 'two words', 'body.value', 'no spaces'],
    ['model-host.Models_Example.header', 'X: y', 'params.name', 'model-host.<host>.header'],
    ['huggingface.api_key', 'x', 'params.name', 'huggingface.token'],
  ])('refuses %s = %j, naming %s', async (name, value, path, message) => {
    const res = await put(name, value);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0]).toMatchObject({ path, message: expect.stringContaining(message) });
    if (value.length >= 8) expect(res.body).not.toContain(value);
  });
});
