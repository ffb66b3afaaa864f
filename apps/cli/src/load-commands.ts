import { COMMAND_MODULES, type CommandModule } from './command-table.js';
import type { Register } from './program.js';

/**
 * Imports the register functions of `modules` (all by default) from their files, unbundled: tsc's output and
 * tests (the bundles import their module statically; `@vite-ignore` leaves the path to vitest's run time).
 */
export async function loadRegisters(
  modules: readonly CommandModule[] = COMMAND_MODULES,
): Promise<Register[]> {
  return Promise.all(
    modules.map(async (entry) => {
      const loaded = (await import(/* @vite-ignore */ `./commands/${entry.module}.js`)) as Record<
        string,
        Register
      >;
      const register = loaded[entry.register];
      if (!register) throw new Error(`commands/${entry.module} does not export ${entry.register}`);
      return register;
    }),
  );
}
