#!/usr/bin/env node
// The CLI unbundled (tsc's output): loads the module of the named command only. `podpilot` runs the bundle of
// that command instead when it is built (scripts/bundle-cli.mjs).
import { commandModulesFor } from './command-table.js';
import { loadRegisters } from './load-commands.js';
import { runPodpilot } from './program.js';

await runPodpilot(await loadRegisters(commandModulesFor(process.argv.slice(2))));
