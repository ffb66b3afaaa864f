import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import { tanstackRouter } from '@tanstack/router-plugin/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './precompress.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The hub the dev server forwards API calls to (`podpilot hub` listens on 7300 by default). */
const hub = 'http://127.0.0.1:7300';

export default defineConfig({
  root: here('.'),
  plugins: [
    // The router plugin must come before the React plugin: it rewrites route files first.
    tanstackRouter({
      target: 'react',
      // Each route's component loads when first visited: the main entry stays small.
      autoCodeSplitting: true,
      routesDirectory: here('./src/routes'),
      generatedRouteTree: here('./src/routeTree.gen.ts'),
      quoteStyle: 'single',
      semicolons: true,
    }),
    react(),
    tailwindcss(),
    precompress(),
  ],
  resolve: {
    // Build the shared schemas from source: no need to compile packages/common first.
    alias: { '@podpilot/common': here('../../packages/common/src/index.ts') },
  },
  server: {
    proxy: {
      '/api': { target: hub, changeOrigin: false },
      '/health': { target: hub, changeOrigin: false },
    },
  },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    // Sizes as served are the precompressed files (precompress.ts): no second gzip pass to report them.
    reportCompressedSize: false,
    // The build is quiet unless something is wrong: no timing report (a newcomer reads yellow as a fault).
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
