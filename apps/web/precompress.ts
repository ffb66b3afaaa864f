import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Text the browser fetches (scripts, styles, the page, icons, source maps); images and fonts are compressed already. */
const TEXT = /\.(?:js|mjs|css|html|svg|json|map|txt|webmanifest)$/;
/** Smaller files are served as they are (the hub's on-the-fly threshold too). */
const MIN_BYTES = 1024;

/**
 * Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) beside every text asset of the build, for the
 * hub to serve by content negotiation (@fastify/static `preCompressed`): the best compression once at build time,
 * no compression work per request.
 */
export function precompress(): Plugin {
  return {
    name: 'podpilot-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? '';
      await Promise.all(
        Object.keys(bundle)
          .filter((name) => TEXT.test(name))
          .map(async (name) => {
            const path = join(dir, name);
            const bytes = await readFile(path);
            if (bytes.length < MIN_BYTES) return;
            await writeFile(
              `${path}.br`,
              await brotli(bytes, {
                params: {
                  [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                  [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
                },
              }),
            );
            await writeFile(`${path}.gz`, await gz(bytes, { level: 9 }));
          }),
      );
    },
  };
}
