// Which module adds which top-level command: data only, so `podpilot` (bin/podpilot.js) reads it to pick the
// bundle of the named command before loading anything else, and program.ts to load the same module unbundled.

/** One module under commands/ and the top-level commands its register function adds, in `--help` order. */
export interface CommandModule {
  readonly names: readonly string[];
  /** The file under commands/, without extension. */
  readonly module: string;
  /** The exported function that adds the commands to a program. */
  readonly register: string;
}

export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['hub'], module: 'hub', register: 'registerHubCommand' },
  { names: ['agent'], module: 'agent', register: 'registerAgentCommand' },
  { names: ['login', 'logout'], module: 'login', register: 'registerLoginCommands' },
  { names: ['profile'], module: 'profile', register: 'registerProfileCommands' },
  { names: ['models'], module: 'models', register: 'registerModelsCommands' },
  { names: ['files'], module: 'files', register: 'registerFilesCommands' },
  { names: ['outputs'], module: 'outputs', register: 'registerOutputsCommands' },
  { names: ['offers'], module: 'offers', register: 'registerOffersCommand' },
  { names: ['ps'], module: 'ps', register: 'registerPsCommand' },
  {
    names: ['launch', 'stop', 'start', 'destroy', 'logs', 'events', 'open'],
    module: 'instances',
    register: 'registerInstanceCommands',
  },
  { names: ['demo'], module: 'demo', register: 'registerDemoCommand' },
  { names: ['snapshot'], module: 'snapshot', register: 'registerSnapshotCommand' },
  { names: ['secrets'], module: 'secrets', register: 'registerSecretsCommands' },
  { names: ['keep-awake', 'idle'], module: 'idle', register: 'registerIdleCommands' },
  { names: ['cost'], module: 'cost', register: 'registerCostCommand' },
  { names: ['budget'], module: 'budget', register: 'registerBudgetCommands' },
  { names: ['tailscale'], module: 'tailscale', register: 'registerTailscaleCommands' },
  { names: ['notify'], module: 'notify', register: 'registerNotifyCommands' },
];

/**
 * The modules a run with `args` (the arguments after the program's name) needs: the named command's, none
 * for a bare `--version`, else all (help, no command, a typo: commander lists or suggests every command).
 */
export function commandModulesFor(args: readonly string[]): readonly CommandModule[] {
  const name = args.find((arg) => !arg.startsWith('-'));
  const named = COMMAND_MODULES.find((entry) => name !== undefined && entry.names.includes(name));
  if (named) return [named];
  if (name === undefined && (args.includes('--version') || args.includes('-V'))) return [];
  return COMMAND_MODULES;
}
