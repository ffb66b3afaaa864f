import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import the workspace packages from source, so `vitest` needs no build for unit tests.
const alias = [
  { find: /^@podpilot\/common$/, replacement: here('./packages/common/src/index.ts') },
  { find: /^@podpilot\/common\/node$/, replacement: here('./packages/common/src/node/index.ts') },
  { find: /^@podpilot\/hub$/, replacement: here('./apps/hub/src/index.ts') },
  { find: /^@podpilot\/hub\/env$/, replacement: here('./apps/hub/src/env.ts') },
  { find: /^@podpilot\/agent$/, replacement: here('./apps/agent/src/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    // Two cores: more workers only add memory pressure (each PGlite is several hundred MB).
    maxWorkers: 2,
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          globalSetup: ['./apps/hub/src/test-support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          exclude: ['e2e/agent-*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The agent end-to-end tests run hub, agents, WebUIs and a file server at once: they get the machine
        // to themselves (`npm test` runs this project after the others) so timing never decides a result.
        resolve: { alias },
        test: {
          name: 'e2e-agent',
          include: ['e2e/agent-*.test.ts'],
          fileParallelism: false, // and one file at a time
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
