import { join } from 'node:path';
import { type Profile, UI_KINDS } from '@podpilot/common';
import { pythonPaths } from '../python/settings.js';

/** How to start a profile's UI: hand to `spawn(command, args, { cwd, env: { ...base, ...env } })`. */
export interface LaunchSpec {
  /** The program: the instance's overlay venv's `python` for the Python UIs (every kind today). */
  command: string;
  /** The UI kind's launch script and args, then the profile's `args`. */
  args: string[];
  /** `<workspace>/<installDir>`. */
  cwd: string;
  /**
   * Only what the UI needs on top of the agent's environment: defaults (the overlay venv as `VIRTUAL_ENV`,
   * pip's cache and constraints on the kept disk), then the profile's `env`.
   */
  env: Record<string, string>;
  /** The port the UI will listen on (the profile's args may override the kind's default). */
  port: number;
}

/** Set for every UI unless the profile says otherwise. */
const DEFAULT_ENV: Record<string, string> = {
  // Logs reach the agent line by line instead of in 8 KiB blocks.
  PYTHONUNBUFFERED: '1',
};

/** The flag that precedes the port in the kind's own args (`--port`, `--server_port`), if any. */
function portFlag(args: string[], port: number): string | undefined {
  const index = args.indexOf(String(port));
  const flag = index > 0 ? args[index - 1] : undefined;
  return flag?.startsWith('--') ? flag : undefined;
}

/** The last `--flag N` or `--flag=N` in `args` with a valid port number, if any. */
function portFromArgs(args: string[], flag: string): number | undefined {
  let port: number | undefined;
  args.forEach((arg, index) => {
    const value =
      arg === flag ? args[index + 1] : arg.startsWith(`${flag}=`) ? arg.slice(flag.length + 1) : null;
    if (value !== null && value !== undefined && /^\d{1,5}$/.test(value)) {
      const n = Number(value);
      if (n >= 1 && n <= 65535) port = n;
    }
  });
  return port;
}

/** The program and script words: the profile's `ui.command`, else the kind's own. */
export const launchCommand = (profile: Profile): string[] =>
  profile.ui.command ?? UI_KINDS[profile.ui.kind].launch.command;

/** Whether the UI runs on Python (the kind's own launcher, or a `ui.command` that starts python). */
export const launchesPython = (profile: Profile): boolean => launchCommand(profile)[0] === 'python';

/**
 * The command that starts the profile's UI in `workspace` (an absolute path), from the UI kind's
 * launch command and args plus the profile's `args` (appended, so a repeated flag wins) and `env`
 * (the profile's values win over the defaults). `defaultPort` (the agent's `PODPILOT_WEBUI_PORT`, set by
 * the local provider so instances on one machine do not share a port) replaces the kind's own port in
 * its args; a port the profile's args name still wins. Pure: reads no files and no `process.env`; the
 * caller merges the agent's own environment minus its secrets. Never throws for a parsed profile.
 */
export function launchSpec(profile: Profile, workspace: string, defaultPort?: number): LaunchSpec {
  const info = UI_KINDS[profile.ui.kind];
  const [program = 'python', ...script] = launchCommand(profile);
  const python = pythonPaths(workspace);
  // The overlay venv provisioning made: the image's (or host's) packages plus what the extensions need;
  // `node` is the agent's own Node (a UI in JavaScript, like the demo, needs no other).
  const command = program === 'python' ? python.python : program === 'node' ? process.execPath : program;
  const flag = portFlag(info.launch.args, info.port);
  const kindArgs =
    flag === undefined || defaultPort === undefined
      ? info.launch.args
      : info.launch.args.map((arg, i) =>
          i > 0 && info.launch.args[i - 1] === flag ? String(defaultPort) : arg,
        );
  const kindPort = flag === undefined ? info.port : (defaultPort ?? info.port);
  const port = (flag === undefined ? undefined : portFromArgs(profile.args, flag)) ?? kindPort;
  return {
    command,
    args: [...script, ...kindArgs, ...profile.args],
    cwd: join(workspace, info.installDir),
    env: {
      ...DEFAULT_ENV,
      VIRTUAL_ENV: python.venv,
      PIP_CACHE_DIR: python.pipCache,
      PIP_CONSTRAINT: python.constraints,
      ...profile.env,
    },
    port,
  };
}

/** Args without `flag` (and its value when `valued`), in both the `--flag value` and `--flag=value` forms. */
function without(args: string[], flag: string, valued: boolean): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.startsWith(`${flag}=`)) continue;
    if (arg === flag) {
      if (valued && args[i + 1] !== undefined && !args[i + 1]?.startsWith('--')) i++;
      continue;
    }
    kept.push(arg);
  }
  return kept;
}

/**
 * `spec` (from launchSpec) changed to listen on 127.0.0.1:`internalPort` only, for a WebUI the agent's proxy
 * fronts: every `--listen` and port flag goes (A1111's bare `--listen` means all addresses; without it, loopback), a kind
 * whose `--listen` takes an address gets `--listen 127.0.0.1`, and the port flag comes last with the internal
 * port. Pure. Throws for a kind whose port is not set by a flag (it could not be moved).
 */
export function loopbackLaunch(profile: Profile, spec: LaunchSpec, internalPort: number): LaunchSpec {
  const info = UI_KINDS[profile.ui.kind];
  const flag = portFlag(info.launch.args, info.port);
  if (flag === undefined)
    throw new Error(`${profile.ui.kind}: its port is not set by a flag; cannot proxy it`);
  const listenAt = info.launch.args.indexOf('--listen');
  const valued = listenAt >= 0 && !(info.launch.args[listenAt + 1] ?? '--').startsWith('--');
  const scriptWords = launchCommand(profile).length - 1;
  const script = spec.args.slice(0, scriptWords);
  const args = without(without(spec.args.slice(scriptWords), '--listen', valued), flag, true);
  return {
    ...spec,
    args: [...script, ...args, ...(valued ? ['--listen', '127.0.0.1'] : []), flag, String(internalPort)],
    port: internalPort,
  };
}
