import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GpuSample } from '@podpilot/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv, sampleGpus } from './gpu.js';

describe('parseNvidiaSmiCsv', () => {
  it('reads several GPUs with spaces in their names', () => {
    const text = '0, NVIDIA GeForce RTX 4090, 97, 20514, 24564\n1, NVIDIA GeForce RTX 4090, 0, 3, 24564\n';
    expect(parseNvidiaSmiCsv(text)).toEqual([
      {
        index: 0,
        name: 'NVIDIA GeForce RTX 4090',
        utilizationPercent: 97,
        memoryUsedMiB: 20514,
        memoryTotalMiB: 24564,
      },
      {
        index: 1,
        name: 'NVIDIA GeForce RTX 4090',
        utilizationPercent: 0,
        memoryUsedMiB: 3,
        memoryTotalMiB: 24564,
      },
    ]);
  });

  it('turns [N/A], [Not Supported] and N/A into null, never 0', () => {
    const text = [
      '0, NVIDIA A100-SXM4-80GB, [N/A], 81037, 81920',
      '1, NVIDIA A100-SXM4-80GB, [Not Supported], N/A, [N/A]',
      '2, [N/A], 12, 100, 200',
    ].join('\n');
    const gpus = parseNvidiaSmiCsv(text);
    expect(gpus.map((g) => g.utilizationPercent)).toEqual([null, null, 12]);
    expect(gpus[1]).toMatchObject({ memoryUsedMiB: null, memoryTotalMiB: null });
    expect(gpus[0]?.memoryUsedMiB).toBe(81037);
    expect(gpus[2]?.name).toBeNull();
    for (const g of gpus) GpuSample.parse(g);
  });

  it('tolerates CRLF, blank lines and trailing spaces', () => {
    const text = '\r\n0, Tesla T4, 5, 100, 15360   \r\n\r\n   \r\n1, Tesla T4 , 6 , 101 , 15360\r\n';
    const gpus = parseNvidiaSmiCsv(text);
    expect(gpus.map((g) => [g.index, g.name, g.utilizationPercent, g.memoryTotalMiB])).toEqual([
      [0, 'Tesla T4', 5, 15360],
      [1, 'Tesla T4', 6, 15360],
    ]);
  });

  it('skips malformed lines and keeps the good ones', () => {
    const text = [
      'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.',
      'index, name, utilization.gpu [%], memory.used [MiB], memory.total [MiB]',
      '0, NVIDIA L4, 40, 1000',
      'x, NVIDIA L4, 40, 1000, 23034',
      '3, NVIDIA L4, 40, 1000, 23034',
    ].join('\n');
    expect(parseNvidiaSmiCsv(text)).toEqual([
      { index: 3, name: 'NVIDIA L4', utilizationPercent: 40, memoryUsedMiB: 1000, memoryTotalMiB: 23034 },
    ]);
    expect(parseNvidiaSmiCsv('')).toEqual([]);
  });

  it('keeps a name that holds a comma whole', () => {
    expect(parseNvidiaSmiCsv('0, Odd, Name, 1, 2, 3')[0]).toMatchObject({
      name: 'Odd, Name',
      memoryTotalMiB: 3,
    });
  });
});

describe('sampleGpus', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podpilot-gpu-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const script = async (body: string) => {
    const path = join(dir, 'nvidia-smi');
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  };

  it('says so when nvidia-smi is missing', async () => {
    expect(await sampleGpus({ command: join(dir, 'no-such-nvidia-smi') })).toEqual({
      gpus: null,
      error: 'nvidia-smi not found',
    });
  });

  it('runs the command with the query arguments and parses its output', async () => {
    // The fake fails unless it gets exactly the arguments the parser expects.
    const command = await script(
      `[ "$1" = "${NVIDIA_SMI_ARGS[0]}" ] && [ "$2" = "${NVIDIA_SMI_ARGS[1]}" ] || exit 2\n` +
        `printf '0, NVIDIA GeForce RTX 4090, 88, 20000, 24564\\n1, NVIDIA GeForce RTX 4090, [N/A], 3, 24564\\n'`,
    );
    const reading = await sampleGpus({ command });
    expect(reading.error).toBeUndefined();
    expect(reading.gpus?.map((g) => g.utilizationPercent)).toEqual([88, null]);
  });

  it('reports a non-zero exit with the first line the tool printed', async () => {
    const command = await script(
      "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' >&2; exit 9",
    );
    const reading = await sampleGpus({ command });
    expect(reading.gpus).toBeNull();
    expect(reading.error).toMatch(/^nvidia-smi exited with code 9: NVIDIA-SMI has failed/);
  });

  it('gives up on a hung nvidia-smi', async () => {
    const command = await script('exec sleep 30');
    const started = Date.now();
    const reading = await sampleGpus({ command, timeoutMs: 300 });
    expect(reading).toEqual({ gpus: null, error: 'nvidia-smi timed out after 300 ms' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('gives up even when a child of a wrapper script holds the output pipe open', async () => {
    const pidFile = join(dir, 'child.pid');
    const command = await script(`sleep 30 & echo $! > ${pidFile}; wait`);
    try {
      const reading = await sampleGpus({ command, timeoutMs: 200 });
      expect(reading).toEqual({ gpus: null, error: 'nvidia-smi timed out after 200 ms' });
    } finally {
      const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
      if (pid > 0) process.kill(pid, 'SIGKILL');
    }
  });
});
