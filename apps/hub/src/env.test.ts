import { ConfigError } from '@podpilot/common';
import { describe, expect, it } from 'vitest';
import { HUB_SETTINGS, loadHubConfig } from './env.js';

describe('hub configuration', () => {
  it('runs on embedded defaults with no configuration', () => {
    const config = loadHubConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 7300, databaseUrl: undefined, logLevel: 'info' });
    expect(config.home).toMatch(/\/\.podpilot$/);
    expect(config.sessionTtlMs).toBe(30 * 24 * 3_600_000);
  });

  it('treats empty variables as unset', () => {
    expect(loadHubConfig({ PODPILOT_PORT: '', DATABASE_URL: '' })).toMatchObject({
      port: 7300,
      databaseUrl: undefined,
    });
  });

  it('accepts a Postgres URL and a public URL without its trailing slash', () => {
    const config = loadHubConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/pp',
      PODPILOT_PUBLIC_URL: 'https://hub.example/',
    });
    expect(config.databaseUrl).toBe('postgresql://u:p@db:5432/pp');
    expect(config.publicUrl).toBe('https://hub.example');
  });

  it.each([
    ['PODPILOT_PORT', 'abc', 'PODPILOT_PORT: expected a whole number from 0 to 65535, got "abc"'],
    ['PODPILOT_PORT', '70000', 'PODPILOT_PORT: expected a whole number from 0 to 65535, got "70000"'],
    [
      'DATABASE_URL',
      'mysql://x',
      'DATABASE_URL: expected a postgres:// or postgresql:// URL, got "mysql://x"',
    ],
    [
      'PODPILOT_LOG_LEVEL',
      'loud',
      'PODPILOT_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, got "loud"',
    ],
    ['PODPILOT_PUBLIC_URL', 'not a url', 'PODPILOT_PUBLIC_URL: expected an http(s) URL, got "not a url"'],
  ])('rejects %s=%s naming the variable and what was expected', (name, value, message) => {
    expect(() => loadHubConfig({ [name]: value })).toThrow(new ConfigError([message]));
  });

  it('takes an image tag for development builds and refuses one Docker would not', () => {
    expect(loadHubConfig({}).lifecycle.imageTag).toBeUndefined();
    expect(loadHubConfig({ PODPILOT_IMAGE_TAG: '3f2a9c1' }).lifecycle.imageTag).toBe('3f2a9c1');
    expect(() => loadHubConfig({ PODPILOT_IMAGE_TAG: 'a/b' })).toThrow(
      /PODPILOT_IMAGE_TAG: expected a Docker tag/,
    );
  });

  it('refuses a webhook to a private address unless PODPILOT_OUTBOUND_ALLOW names it', () => {
    const hook = 'http://10.1.2.3:9000/hook';
    expect(() => loadHubConfig({ PODPILOT_WEBHOOK_URL: hook })).toThrow(/PODPILOT_WEBHOOK_URL: expected/);
    const allowed = loadHubConfig({ PODPILOT_WEBHOOK_URL: hook, PODPILOT_OUTBOUND_ALLOW: '10.0.0.0/8' });
    expect(allowed.lifecycle).toMatchObject({ webhookUrl: hook, outboundAllow: ['10.0.0.0/8'] });
  });

  it('reports every bad variable at once', () => {
    try {
      loadHubConfig({ PODPILOT_PORT: '-1', PODPILOT_LOG_FORMAT: 'xml' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
        'PODPILOT_PORT',
        'PODPILOT_LOG_FORMAT',
      ]);
    }
  });

  it('documents every setting', () => {
    for (const setting of Object.values(HUB_SETTINGS)) expect(setting.help.length).toBeGreaterThan(10);
  });
});
