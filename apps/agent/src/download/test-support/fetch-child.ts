// Runs one fetchModel in its own process, so a test can SIGKILL it mid-download: `tsx fetch-child.ts '<json>'`.
import { fetchModel } from '../index.js';
import type { FetchModelOptions } from '../types.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as FetchModelOptions;
const result = await fetchModel(opts);
process.stdout.write(`${JSON.stringify(result)}\n`);
