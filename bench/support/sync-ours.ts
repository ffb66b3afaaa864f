// One run of the sync benchmark's "ours" in a fresh process, as the agent runs it: registers (or resumes
// with the saved agent token), then OutputSync on the folder until `syncNow` resolves with an empty backlog.
// Prints one JSON line: the seconds from `start()` (journal load + first scan) until `syncNow()` resolved,
// excluding Node's start-up and the registration, the CPU this process used in that time, the status, and
// what one more `rescan()` (the periodic safety net) costs once everything is synced, and the hub calls made.
import { HubConnection } from '../../apps/agent/src/hub/hub-connection.js';
import { type OutputHub, OutputSync } from '../../apps/agent/src/sync/index.js';

export interface SyncOursJob {
  hubUrl: string;
  bootstrapToken: string;
  stateFile: string;
  root: string;
  folders: string[];
  journalPath: string;
  timeoutMs: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as SyncOursJob;
const hub = new HubConnection({
  hubUrl: job.hubUrl,
  bootstrapToken: job.bootstrapToken,
  stateFile: job.stateFile,
});
await hub.connect();

/** Calls to the hub and the time they took (they overlap with uploads, so this is not a share of the run). */
const hubCalls: Record<string, { calls: number; files: number; seconds: number }> = {};
const timedHub: OutputHub = {
  presignOutputs: (files) => timeCall('presign', files.length, () => hub.presignOutputs(files)),
  outputParts: (key, uploadId, parts) =>
    timeCall('parts', parts.length, () => hub.outputParts(key, uploadId, parts)),
  confirmOutputs: (files) => timeCall('confirm', files.length, () => hub.confirmOutputs(files)),
};
async function timeCall<T>(name: string, files: number, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await call();
  } finally {
    hubCalls[name] ??= { calls: 0, files: 0, seconds: 0 };
    const entry = hubCalls[name];
    entry.calls++;
    entry.files += files;
    entry.seconds += (performance.now() - started) / 1000;
  }
}

const errors: string[] = [];
const cpuBefore = process.cpuUsage();
const started = performance.now();
const sync = new OutputSync({
  root: job.root,
  folders: job.folders,
  journalPath: job.journalPath,
  hub: timedHub,
  // Every file is complete before the run starts; the watches would only add start-up work.
  stableMs: 200,
  watch: false,
  rescanMs: 3_600_000,
  onError: (message) => errors.push(message),
});
await sync.start();
const status = await sync.syncNow({ timeoutMs: job.timeoutMs });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);

const scanStarted = performance.now();
const scan = await sync.rescan();
const rescanMs = performance.now() - scanStarted;
await sync.stop();

const line = JSON.stringify({
  seconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  status,
  rescanMs,
  scannedFiles: scan.files,
  hubCalls,
  errors: errors.slice(0, 5),
});
// Keep-alive sockets to the hub and storage would hold the process open for a few seconds.
process.stdout.write(`${line}\n`, () => process.exit(0));
