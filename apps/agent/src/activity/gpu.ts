import { execFile } from 'node:child_process';
import { cutToCodeUnits, type GpuSample } from '@podpilot/common';

/** The arguments the agent passes to `nvidia-smi`; {@link parseNvidiaSmiCsv} reads exactly these columns. */
export const NVIDIA_SMI_ARGS: readonly string[] = [
  '--query-gpu=index,name,utilization.gpu,memory.used,memory.total',
  '--format=csv,noheader,nounits',
];

/** The schema allows this many GPUs; no machine we rent has more. */
const MAX_GPUS = 64;
const MAX_NAME = 200;

// nvidia-smi writes `[N/A]`, `[Not Supported]`, `[Unknown Error]`, `[GPU is lost]`… where it has no number:
// anything that is not a plain number is "unknown", never 0 (0% would read as idle).
const numberOrNull = (field: string): number | null => {
  if (!/^\d+(\.\d+)?$/.test(field)) return null;
  const value = Number(field);
  return Number.isFinite(value) ? value : null;
};

const nameOrNull = (field: string): string | null =>
  field === '' || /^\[.*\]$/.test(field) || field === 'N/A' ? null : cutToCodeUnits(field, MAX_NAME);

/**
 * Parses the output of `nvidia-smi` run with {@link NVIDIA_SMI_ARGS}: one GPU a line,
 * `index, name, utilization %, memory used MiB, memory total MiB`. Unknown values (`[N/A]`,
 * `[Not Supported]`, `N/A`) become null; lines without a numeric index or with too few fields are skipped.
 */
export function parseNvidiaSmiCsv(text: string): GpuSample[] {
  const gpus: GpuSample[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 5) continue;
    const index = fields[0] ?? '';
    if (!/^\d+$/.test(index)) continue;
    // The last three columns are numbers; whatever lies between index and them is the name (so a name
    // with a comma, should a driver ever print one, stays whole).
    const [utilization, used, total] = fields.slice(-3).map(numberOrNull);
    gpus.push({
      index: Number(index),
      name: nameOrNull(fields.slice(1, -3).join(', ')),
      utilizationPercent:
        utilization === null || utilization === undefined ? null : Math.min(100, utilization),
      memoryUsedMiB: used ?? null,
      memoryTotalMiB: total ?? null,
    });
    if (gpus.length === MAX_GPUS) break;
  }
  return gpus;
}

export interface SampleGpusOptions {
  /** The nvidia-smi binary (tests pass a fake script). Default `nvidia-smi` from PATH. */
  command?: string;
  /** A hung driver makes nvidia-smi block; give up after this long. Default 5000. */
  timeoutMs?: number;
}

/** What {@link sampleGpus} found: the GPUs, or null and why not. */
export interface GpuReading {
  gpus: GpuSample[] | null;
  error?: string;
}

const firstLine = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
const firstLineCut = (text: string) => {
  const line = firstLine(text);
  return line === undefined ? undefined : cutToCodeUnits(line, 300);
};

/**
 * Runs nvidia-smi once and parses its answer. Never throws: a missing binary gives
 * `{gpus: null, error: 'nvidia-smi not found'}`, a failure or timeout gives `gpus: null` and a short error.
 */
export function sampleGpus(options: SampleGpusOptions = {}): Promise<GpuReading> {
  const command = options.command ?? 'nvidia-smi';
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    execFile(
      command,
      [...NVIDIA_SMI_ARGS],
      // SIGKILL: a process stuck in the driver may ignore SIGTERM, and the heartbeat must not wait on it.
      { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ gpus: parseNvidiaSmiCsv(stdout) });
        const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
        if (failure.code === 'ENOENT') return resolve({ gpus: null, error: 'nvidia-smi not found' });
        if (failure.killed)
          return resolve({ gpus: null, error: `nvidia-smi timed out after ${timeoutMs} ms` });
        const said = firstLineCut(stderr) ?? firstLineCut(stdout);
        const how = typeof failure.code === 'number' ? `exited with code ${failure.code}` : failure.message;
        resolve({ gpus: null, error: cutToCodeUnits(`nvidia-smi ${how}${said ? `: ${said}` : ''}`, 500) });
      },
    );
  });
}
