import { describe, expect, it } from 'vitest';
import { minimalProfile } from '../test-support/agents.js';
import { hubRequests, useOwnerHub } from '../test-support/app.js';
import { type TestDatabase, testDatabases } from '../test-support/databases.js';

const [pglite] = testDatabases();

/** The `{path, message}` issues of a 400, or the status and body when it is something else. */
const issuesOf = (res: { statusCode: number; body: string; json(): unknown }) => {
  if (res.statusCode !== 400) return `${res.statusCode} ${res.body}`;
  const body = res.json() as { error: { code: string; message: string; issues: unknown[] } };
  expect(body.error.code).toBe('invalid_request');
  return body.error.issues;
};

describe('text people type: refused with a 400 naming the field, before any route runs', () => {
  const t = useOwnerHub((pglite as TestDatabase).open);
  const { owner, putProfile } = hubRequests(() => t.hub);

  it('refuses NUL in every query field of /api/outputs (was a 500)', async () => {
    for (const field of ['q', 'profile', 'path']) {
      const res = await owner('GET', `/api/outputs?${field}=a%00b`);
      expect(issuesOf(res)).toEqual([
        {
          path: `query.${field}`,
          message: 'expected text without NUL characters (U+0000), got one at position 2',
        },
      ]);
      expect(res.json().error.message).toBe(
        `query.${field}: expected text without NUL characters (U+0000), got one at position 2`,
      );
    }
  });

  it('takes bidi and zero-width characters in free text (the search), refuses them in a path filter', async () => {
    expect((await owner('GET', '/api/outputs?q=%D7%A9%E2%80%AE%E2%80%8B%F0%9F%A6%99')).statusCode).toBe(200);
    const res = await owner('GET', '/api/outputs?path=out%2Fa%E2%80%AEgnp.exe');
    expect(issuesOf(res)).toEqual([
      {
        path: 'query.path',
        message: expect.stringContaining('bidirectional control characters, got U+202E'),
      },
    ]);
  });

  it('refuses a lone surrogate or a control character in a body field, and changes nothing', async () => {
    const before = (await owner('GET', '/api/tokens')).json().tokens.length;
    for (const [name, problem] of [
      ['ci\ud800', 'lone surrogate U+D800 at position 3'],
      ['ci\u0085x', 'control characters, got U+0085'],
      ['ci\u200bbot', 'zero-width or invisible characters, got U+200B'],
      ['ci\u202ebot', 'bidirectional control characters, got U+202E'],
    ] as const) {
      const res = await owner('POST', '/api/tokens', { name });
      expect(issuesOf(res)).toEqual([{ path: 'body.name', message: expect.stringContaining(problem) }]);
    }
    expect((await owner('GET', '/api/tokens')).json().tokens).toHaveLength(before);
  });

  it('names a bad object key as the field', async () => {
    const res = await owner('PUT', '/api/budgets', { 'monthlyCap\u202e': 1 });
    expect(issuesOf(res)).toEqual([
      { path: 'body.monthlyCap\u202e', message: expect.stringContaining('bidirectional') },
    ]);
  });

  it('refuses hostile path parameters, naming them', async () => {
    const res = await owner('DELETE', '/api/profiles/a%E2%80%8Bb');
    expect(issuesOf(res)).toEqual([
      { path: 'params.name', message: expect.stringContaining('zero-width or invisible characters') },
    ]);
    const file = await owner('DELETE', '/api/files/user%2Fa%00.json');
    expect(issuesOf(file)).toEqual([{ path: 'params.*', message: expect.stringContaining('NUL') }]);
  });

  it('lets free text be free: a profile YAML with tabs, newlines and right-to-left text in its description', async () => {
    const yaml = minimalProfile('text-free', 'description: "שלום \u202b\tnote"\n');
    expect((await putProfile('text-free', yaml)).statusCode).toBe(201);
    const bell = await putProfile('text-bell', minimalProfile('text-bell', '# ring \u0007\n'));
    expect(issuesOf(bell)).toEqual([{ path: 'body.yaml', message: expect.stringContaining('U+0007') }]);
  });

  it('refuses a lone surrogate in a password without checking it', async () => {
    const res = await owner('POST', '/api/auth/login', { password: 'correct horse\udc00' });
    expect(issuesOf(res)).toEqual([
      { path: 'body.password', message: expect.stringContaining('lone surrogate U+DC00') },
    ]);
  });
});
