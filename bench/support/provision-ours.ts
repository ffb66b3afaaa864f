// One round of the provision benchmark's "ours" in a fresh process (as an agent would run it, and away from
// the benchmark's own spawns): fetchModel for each file, `parallel` at a time. Prints the seconds taken from
// the first call to the last verified file, excluding Node's start-up, and the CPU seconds spent meanwhile.
import { fetchModel } from '../../apps/agent/src/download/index.js';

interface Job {
  cacheDir: string;
  files: { url: string; name: string; sha256: string; size: number }[];
  connections: number;
  initialConnections: number;
  chunkSize: number;
  parallel: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const started = performance.now();
const cpuAtStart = process.cpuUsage();
let next = 0;
const lane = async () => {
  for (let file = job.files[next++]; file; file = job.files[next++]) {
    const result = await fetchModel({
      cacheDir: job.cacheDir,
      sha256: file.sha256,
      name: file.name,
      source: { url: file.url },
      connections: job.connections,
      initialConnections: job.initialConnections,
      chunkSize: job.chunkSize,
    });
    if (result.cached || result.sizeBytes !== file.size)
      throw new Error(`unexpected ${JSON.stringify(result)}`);
  }
};
await Promise.all(Array.from({ length: job.parallel }, lane));
const { user, system } = process.cpuUsage(cpuAtStart); // this process's threads (the hash worker's included)
console.log(
  JSON.stringify({ seconds: (performance.now() - started) / 1000, cpuSeconds: (user + system) / 1e6 }),
);
