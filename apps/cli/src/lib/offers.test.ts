import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerOffersCommand } from '../commands/offers.js';
import { captureOutput, stubHub } from '../test-support/stub-hub.js';
import { formatOffers, offersQueryFromFlags } from './offers.js';

const offer = (overrides: Record<string, unknown> = {}) => ({
  provider: 'vastai',
  id: '12345',
  gpuName: 'RTX 4090',
  gpuCount: 1,
  vramGb: 24,
  pricePerHour: 0.35,
  cudaMax: '12.4',
  reliability: 0.994,
  downloadMbps: 812.4,
  diskGb: 100,
  location: 'SE',
  ...overrides,
});

describe('offersQueryFromFlags', () => {
  it('turns the flags into the hub query', () => {
    expect(
      offersQueryFromFlags({ gpu: 'RTX 4090', maxPrice: '0.6', minVram: '24', cuda: '12.4', limit: '10' }),
    ).toEqual({ gpu: 'RTX 4090', maxPrice: 0.6, minVram: 24, cuda: '12.4', limit: 10 });
  });

  it('refuses bad values, naming the flag', () => {
    expect(() => offersQueryFromFlags({ maxPrice: 'abc' })).toThrow(
      '--max-price: expected a price in $/hour above 0, e.g. 0.6, got "abc"',
    );
    expect(() => offersQueryFromFlags({ maxPrice: '-1' })).toThrow(/^--max-price: /);
    expect(() => offersQueryFromFlags({ maxPrice: '' })).toThrow(/^--max-price: .*got ""/);
    expect(() => offersQueryFromFlags({ minVram: 'lots' })).toThrow(/^--min-vram: /);
    expect(() => offersQueryFromFlags({ cuda: '12' })).toThrow(
      '--cuda: expected a CUDA version like 12.4, got "12"',
    );
    expect(() => offersQueryFromFlags({ gpuCount: '1.5' })).toThrow(/^--gpu-count: expected a whole number/);
    expect(() => offersQueryFromFlags({ limit: '0' })).toThrow(/^--limit: /);
  });
});

describe('podpilot offers', () => {
  const hubs: Awaited<ReturnType<typeof stubHub>>[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    for (const hub of hubs.splice(0)) await hub.close();
  });

  async function run(args: string[], body: unknown) {
    const hub = await stubHub({ 'GET /api/offers': () => ({ status: 200, body }) });
    hubs.push(hub);
    vi.stubEnv('PODPILOT_URL', hub.url);
    vi.stubEnv('PODPILOT_TOKEN', 'pp_test');
    const output = captureOutput();
    const program = new Command('podpilot').exitOverride();
    registerOffersCommand(program);
    await program.parseAsync(['offers', ...args], { from: 'user' });
    return { ...output, seen: hub.seen };
  }

  it('prints the table and notes providers that could not be asked', async () => {
    const { stdout, stderr, seen } = await run(
      ['--gpu', 'RTX 4090', '--max-price', '0.6', '--min-vram', '24', '--cuda', '12.4'],
      {
        offers: [
          offer(),
          offer({
            provider: 'runpod',
            id: 'NVIDIA-4090-x2',
            gpuCount: 2,
            pricePerHour: 0.59,
            reliability: null,
          }),
        ],
        unavailable: [{ provider: 'local', reason: 'no GPU on the hub machine' }],
      },
    );
    expect(Object.fromEntries(seen[0]?.query ?? [])).toEqual({
      gpu: 'RTX 4090',
      maxPrice: '0.6',
      minVram: '24',
      cuda: '12.4',
      limit: '50',
    });
    expect(stdout).toBe(
      '$/H     GPU          VRAM   CUDA  RELIABILITY  DOWN MBPS  PROVIDER  OFFER\n' +
        '$0.350  RTX 4090 ×1  24 GB  12.4  99.4%        812        vastai    12345\n' +
        '$0.590  RTX 4090 ×2  24 GB  12.4  -            812        runpod    NVIDIA-4090-x2\n',
    );
    expect(stderr).toBe('note: local unavailable: no GPU on the hub machine\n');
  });

  it('checks the flags before asking the hub', async () => {
    await expect(run(['--max-price', 'abc'], { offers: [], unavailable: [] })).rejects.toThrow(
      /^--max-price: /,
    );
    await expect(run(['--provider', 'aws'], { offers: [], unavailable: [] })).rejects.toThrow(/--provider/);
    expect(hubs.flatMap((h) => h.seen)).toEqual([]);
  });

  it('prints JSON with --json', async () => {
    const body = { offers: [offer()], unavailable: [] };
    const { stdout } = await run(['--json'], body);
    expect(JSON.parse(stdout)).toEqual(body);
  });

  it('formats the offer table on its own', () => {
    expect(formatOffers([]).trim()).toMatch(/^\$\/H/);
  });
});
