import { Readable, Writable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerSecretsCommands } from '../commands/secrets.js';
import { captureOutput, stubHub } from '../test-support/stub-hub.js';
import { parseSecretName, readSecretValue } from './secrets.js';

const SECRET = 'vk-s3cret-DO-NOT-PRINT';

describe('podpilot secrets', () => {
  const hubs: Awaited<ReturnType<typeof stubHub>>[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    for (const hub of hubs.splice(0)) await hub.close();
  });

  async function run(args: string[], stdin: string) {
    const hub = await stubHub({
      'PUT /api/secrets/vastai.api_key': () => ({ status: 204 }),
      'DELETE /api/secrets/vastai.api_key': () => ({ status: 204 }),
      'GET /api/secrets': () => ({
        status: 200,
        body: { secrets: [{ name: 'vastai.api_key', updatedAt: '2026-11-28T10:00:00.123Z' }] },
      }),
    });
    hubs.push(hub);
    vi.stubEnv('PODPILOT_URL', hub.url);
    vi.stubEnv('PODPILOT_TOKEN', 'pp_test');
    vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([stdin]) as never);
    const output = captureOutput();
    const program = new Command('podpilot').exitOverride();
    registerSecretsCommands(program);
    await program.parseAsync(args, { from: 'user' });
    return { output: output.stdout + output.stderr, seen: hub.seen };
  }

  it('set reads the value from stdin and never prints it', async () => {
    for (const args of [
      ['secrets', 'set', 'vastai.api_key'],
      ['secrets', 'set', 'vastai.api_key', '-'],
    ]) {
      const { output, seen } = await run(args, `${SECRET}\n`);
      expect(output).toBe('vastai.api_key: saved\n');
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        method: 'PUT',
        path: '/api/secrets/vastai.api_key',
        body: { value: SECRET },
      });
    }
    const { output } = await run(['secrets', 'set', 'vastai.api_key', '--json'], SECRET);
    expect(output).not.toContain(SECRET);
  });

  it('ls and rm', async () => {
    expect((await run(['secrets', 'ls'], '')).output).toBe(
      'NAME            UPDATED\nvastai.api_key  2026-11-28T10:00:00Z\n',
    );
    const { output, seen } = await run(['secrets', 'rm', 'vastai.api_key'], '');
    expect(output).toBe('vastai.api_key: deleted\n');
    expect(seen[0]).toMatchObject({ method: 'DELETE', path: '/api/secrets/vastai.api_key' });
  });

  it('refuses unknown names and empty values before sending anything', async () => {
    await expect(run(['secrets', 'set', 'aws.key', 'x'], '')).rejects.toThrow(
      'NAME: expected one of vastai.api_key, runpod.api_key, tailscale.api_key, tailscale.oauth_client_id, tailscale.oauth_client_secret, tailscale.tailnet, huggingface.token, civitai.token or model-host.<host>.header, got "aws.key"',
    );
    await expect(run(['secrets', 'set', 'vastai.api_key'], '\n')).rejects.toThrow(/^VALUE: /);
    expect(hubs.flatMap((h) => h.seen)).toEqual([]);
    expect(() => parseSecretName('runpod.api_key')).not.toThrow();
  });

  it('reads a typed value without echo on a terminal', async () => {
    const input = Object.assign(Readable.from([]), {
      isTTY: true,
      setRawMode: vi.fn(),
    });
    const written: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    });
    const value = readSecretValue('runpod.api_key', input, sink);
    input.emit('data', Buffer.from('abcx\u007fd'));
    input.emit('data', Buffer.from('\r'));
    expect(await value).toBe('abcd');
    expect(written.join('')).toBe('runpod.api_key (input hidden): \n');
    expect(input.setRawMode.mock.calls).toEqual([[true], [false]]);
  });
});
