import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRemote, type TestRemote } from '../../../apps/agent/src/provision/test-support/git-repos.js';
import {
  containerPort,
  EntrypointContainers,
} from '../../../apps/hub/src/providers/test-support/fake-containers.js';
import { FAKE_RUNPOD_KEY } from '../../../apps/hub/src/providers/test-support/fake-runpod.js';
import {
  type FakeRunpodWithContainers,
  startFakeRunpodWithContainers,
} from '../../../apps/hub/src/providers/test-support/fake-runpod-containers.js';
import { FAKE_VAST_KEY } from '../../../apps/hub/src/providers/test-support/fake-vastai.js';
import {
  type FakeVastAiWithContainers,
  startFakeVastAiWithContainers,
} from '../../../apps/hub/src/providers/test-support/fake-vastai-containers.js';
import {
  FAKE_TAILSCALE_API_KEY,
  type FakeTailscale,
  startFakeTailscale,
} from '../../../apps/hub/src/services/tailscale/test-support/fake-tailscale.js';
import { TINY_UI } from '../agent-harness.js';
import { type HubProcess, ownerApiToken, startHub } from '../hub-process.js';
import { cleanEnv, executable, HUB_HOST, tailscaledStub, tailscaleStub } from '../tailscale-stubs.js';
import { hubDatabase } from './database.js';
import { markedPids } from './instances.js';
import { type Answer, ownerApi } from './owner-api.js';
import { gitShim, writePreload } from './shims.js';

const ENTRYPOINT = fileURLToPath(new URL('../../../docker/entrypoint.sh', import.meta.url));
const CLI = fileURLToPath(new URL('../../../apps/cli/dist/main.js', import.meta.url));
const PASSWORD = 'a long enough owner password';

export interface ColumnSpec {
  name: string;
  provider: 'local' | 'vastai' | 'runpod';
  tailscale: boolean;
}

/** The deadlines the hub runs with (seconds): short, so "never registers" ends within the test. */
export const DEADLINES = { register: 30, provision: 120, silent: 90 } as const;

/**
 * One column of the matrix: a real hub process of its own (restartable on the same home and port), the
 * provider's fake running containers (none for `local`), the fake Tailscale API when on, the UI's remote.
 */
export interface Column {
  spec: ColumnSpec;
  dir: string;
  hub: HubProcess;
  /** The owner's API call on the hub's loopback address (its public URL may be a tailnet name). */
  api<T>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  /** As `api`, throwing unless 2xx. */
  ok<T>(method: string, path: string, body?: unknown): Promise<T>;
  stopHub(): Promise<void>;
  startHub(): Promise<void>;
  containers: EntrypointContainers | null;
  vast: FakeVastAiWithContainers | null;
  runpod: FakeRunpodWithContainers | null;
  tailscale: FakeTailscale | null;
  ui: TestRemote;
  /** Every argv of the agents' `git` calls, one a line. */
  gitLog: string;
  /** The next agent started (local: by the provider; else: a new container) cannot reach the hub. */
  cutOffNext(): void;
  close(): Promise<void>;
}

let starting: Promise<unknown> = Promise.resolve();
/** Hubs start one after another: five at once on two cores starve each other past any timeout. */
function oneAtATime<T>(step: () => Promise<T>): Promise<T> {
  const next = starting.then(step, step);
  starting = next.catch(() => {});
  return next;
}

interface HubEnvInput {
  dir: string;
  path: string;
  port: number;
  database: Record<string, string>;
  vast: FakeVastAiWithContainers | null;
  runpod: FakeRunpodWithContainers | null;
  tailscale: FakeTailscale | null;
}

/** The hub's environment: short intervals and deadlines, the fakes' URLs, the preload and the git shim. */
function hubEnv({ dir, path, port, database, vast, runpod, tailscale }: HubEnvInput): Record<string, string> {
  return {
    PATH: path,
    NODE_OPTIONS: `--import ${writePreload(dir)}`,
    PODPILOT_RECONCILE_SECONDS: '5',
    PODPILOT_COST_WATCH_SECONDS: '1',
    PODPILOT_FINAL_SYNC_SECONDS: '20',
    PODPILOT_REGISTER_DEADLINE_SECONDS: String(DEADLINES.register),
    PODPILOT_PROVISION_DEADLINE_SECONDS: String(DEADLINES.provision),
    PODPILOT_SILENT_DEADLINE_SECONDS: String(DEADLINES.silent),
    ...database,
    ...(vast ? { PODPILOT_VASTAI_URL: vast.baseUrl } : {}),
    ...(runpod ? { PODPILOT_RUNPOD_URL: runpod.baseUrl } : {}),
    ...(tailscale
      ? { JOURNEY_TAILSCALE_URL: tailscale.baseUrl, PODPILOT_PUBLIC_URL: `http://${HUB_HOST}:${port}` }
      : {}),
  };
}

/** Starts everything a column needs, with the owner's provider keys stored and the profile `journey` applied. */
export async function startColumn(spec: ColumnSpec, dir: string): Promise<Column> {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const gitLog = join(dir, 'git.log');
  gitShim(bin, gitLog);
  const path = `${bin}:${process.env.PATH ?? ''}`;
  const containers =
    spec.provider === 'local'
      ? null
      : containerRuntime(join(dir, 'containers'), path, join(dir, 'spent-keys'));
  const vast =
    spec.provider === 'vastai' && containers ? await startFakeVastAiWithContainers(containers) : null;
  const runpod =
    spec.provider === 'runpod' && containers ? await startFakeRunpodWithContainers(containers) : null;
  const tailscale = spec.tailscale ? await startFakeTailscale() : null;
  const database = await hubDatabase(spec.name);
  // Outside the ephemeral range: while the hub is down (and restarted on it) no agent's own port-0 pick takes it.
  const port = await containerPort();
  const local = `http://127.0.0.1:${port}`;
  const env = hubEnv({ dir, path, port, database: database.env, vast, runpod, tailscale });
  const home = join(dir, 'home');
  const launchHub = () =>
    oneAtATime(async () => {
      const started = await startHub({ home, env, args: ['--port', String(port)], timeoutMs: 120_000 });
      return { ...started, url: local };
    });
  let hub = await launchHub();
  const { api, ok, putProfile } = ownerApi(local, await ownerApiToken(hub, PASSWORD));
  if (vast) await ok('PUT', '/api/secrets/vastai.api_key', { value: FAKE_VAST_KEY });
  if (runpod) await ok('PUT', '/api/secrets/runpod.api_key', { value: FAKE_RUNPOD_KEY });
  if (tailscale) await ok('PUT', '/api/secrets/tailscale.api_key', { value: FAKE_TAILSCALE_API_KEY });
  const ui = makeRemote(dir, 'tiny-ui');
  const commit = ui.commit({ 'main.py': TINY_UI });
  await putProfile(
    'journey',
    `name: journey\nui: { kind: comfyui, ref: ${commit}, repo: "${ui.url}" }\noutputs: ["output/"]\n`,
  );

  const column: Column = {
    spec,
    dir,
    get hub() {
      return hub;
    },
    api,
    ok,
    stopHub: () => hub.stop(),
    async startHub() {
      hub = await launchHub();
    },
    containers,
    vast,
    runpod,
    tailscale,
    ui,
    gitLog,
    cutOffNext() {
      if (containers) containers.cutOffNextContainer();
      else writeFileSync(join(dir, 'cut-off-next'), '');
    },
    async close() {
      await hub.stop();
      killLocalInstances(home);
      await containers?.close();
      await vast?.close();
      await runpod?.close();
      await tailscale?.close();
      await database.drop();
    },
  };
  return column;
}

/**
 * Containers under `root`: each gets the stub `tailscaled`/`tailscale` in a `bin` of its own (their log and
 * pid file are per container; spent keys are the tailnet's, shared), then `path` (the git shim).
 */
function containerRuntime(root: string, path: string, spentKeys: string): EntrypointContainers {
  return new EntrypointContainers({
    root,
    entrypoint: ENTRYPOINT,
    agentCommand: `${process.execPath} ${CLI} agent`,
    baseEnv: cleanEnv(),
    // docker stop's default: the hub has already waited for the agent's final sync before stopping.
    stopGraceMs: 10_000,
    setup: ({ dir, disk }) => {
      const bin = join(dir, 'bin');
      mkdirSync(bin, { recursive: true });
      executable(
        join(bin, 'tailscaled'),
        tailscaledStub(join(dir, 'tailscale.log'), join(disk, 'tailscaled.pid')),
      );
      executable(join(bin, 'tailscale'), tailscaleStub(join(dir, 'tailscale.log'), spentKeys));
      return { PATH: `${bin}:${path}` };
    },
  });
}

/** The local provider's agents and WebUIs outlive the hub: a column that failed midway leaves none behind. */
function killLocalInstances(home: string): void {
  const root = join(home, 'local-instances');
  if (!existsSync(root)) return;
  for (const name of readdirSync(root))
    for (const pid of markedPids(`LOCAL_PODPILOT_INSTANCE=${name}`)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
}
