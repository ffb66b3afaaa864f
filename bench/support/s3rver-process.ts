// s3rver with working V2 paging (./s3rver-paged.ts) in a process of its own, so that the S3 server does
// not share an event loop (or a CPU) with a hub the benchmark runs in-process. Prints one JSON line
// `{"endpoint": …}` once listening; stops (and deletes its objects) on SIGTERM / SIGINT or when its stdin
// closes (the benchmark exited without stopping it).
import { startPagedS3rver } from './s3rver-paged.js';

const s3 = await startPagedS3rver(process.argv[2] ?? 'podpilot');
let closing = false;
const close = () => {
  if (closing) return;
  closing = true;
  void s3.close().finally(() => process.exit(0));
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
process.stdin.on('end', close);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint })}\n`);
