import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCredentials, saveCredentials } from './credentials.js';

describe('loadCredentials', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'podpilot-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const env = (more: Record<string, string> = {}) => ({ PODPILOT_CONFIG_DIR: dir, ...more });
  const stored = { hubUrl: 'http://127.0.0.1:7300', token: 'pp_stored' };

  it('takes both variables over the stored login, the token alone with the stored hub', async () => {
    await saveCredentials(stored, env());
    expect(await loadCredentials(env())).toEqual(stored);
    expect(
      await loadCredentials(env({ PODPILOT_URL: 'http://127.0.0.1:7400', PODPILOT_TOKEN: 'pp_env' })),
    ).toEqual({ hubUrl: 'http://127.0.0.1:7400', token: 'pp_env' });
    expect(await loadCredentials(env({ PODPILOT_TOKEN: 'pp_env' }))).toEqual({ ...stored, token: 'pp_env' });
    // The URL alone: the stored token only for that same hub.
    expect(await loadCredentials(env({ PODPILOT_URL: 'http://127.0.0.1:7300/' }))).toEqual(stored);
    await expect(loadCredentials(env({ PODPILOT_URL: 'http://127.0.0.1:7400' }))).rejects.toThrow(
      'PODPILOT_URL is set but no token for http://127.0.0.1:7400: set PODPILOT_TOKEN or run `podpilot login http://127.0.0.1:7400`',
    );
  });

  it('says how to log in when nothing is stored, and names a damaged file', async () => {
    await expect(loadCredentials(env())).rejects.toThrow(/^not logged in: run `podpilot login <hub URL>`/);
    await expect(loadCredentials(env({ PODPILOT_TOKEN: 'pp_env' }))).rejects.toThrow(/^not logged in/);
    writeFileSync(join(dir, 'credentials.json'), '{not json');
    await expect(loadCredentials(env())).rejects.toThrow(/credentials\.json is damaged/);
  });
});
