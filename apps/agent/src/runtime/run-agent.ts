import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentCommand, AgentPhase } from '@podpilot/common';
import type { AgentConfig } from '../env.js';
import { HubConnection } from '../hub/hub-connection.js';
import { provisionCheckouts } from '../provision/checkouts.js';
import { writeProfileFiles } from '../provision/files.js';
import { launchSpec } from '../provision/launch.js';
import { WebuiSupervisor } from '../supervisor/webui-supervisor.js';
import type { OutputSync } from '../sync/index.js';
import { IdleWatch } from './idle-watch.js';
import { LogBatcher } from './log-batcher.js';
import { finalSync, runSyncCommand, startOutputSync } from './output-sync.js';
import { ProgressTracker } from './progress.js';
import type { ProgressDisplay } from './progress-display.js';
import { promoteModels } from './promote-models.js';
import { provisionModels } from './provision-models.js';
import { runSnapshotCommand, type SnapshotContext } from './snapshot-command.js';

export interface RunAgentOptions {
  /** Aborting stops the agent: the WebUI is stopped and a last heartbeat says so. */
  signal: AbortSignal;
  /** Human-readable progress lines (the terminal). */
  say?: (line: string) => void;
  /** A live view of provisioning progress (the terminal's); its `say` replaces `say` while it runs. */
  createDisplay?: (progress: ProgressTracker) => ProgressDisplay;
}

/** Agent files inside the workspace: state (token, unsent events), the model cache, snapshot hash memo. */
export const agentPaths = (workspace: string) => ({
  stateFile: join(workspace, '.podpilot', 'agent.json'),
  cacheDir: join(workspace, '.podpilot', 'cache'),
  webuiPidFile: join(workspace, '.podpilot', 'webui.pid'),
  snapshotHashes: join(workspace, '.podpilot', 'snapshot-hashes.json'),
});

/** A profile file kept in storage, through the presigned URL the hub gave for its key. */
async function readStorageFile(key: string, url: string | undefined, signal: AbortSignal): Promise<Buffer> {
  if (!url) throw new Error(`files: the hub gave no download URL for ${key}`);
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`files: reading ${key} from storage failed: ${res.status} ${res.statusText}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Environment the WebUI inherits: the agent's own, minus PodPilot's and Tailscale's secrets. */
function webuiEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('PODPILOT_') && !k.startsWith('TS_')) env[k] = v;
  return { ...env, ...extra };
}

/**
 * The agent's whole job: register (or resume) → fetch the profile → provision checkouts, models and files →
 * start the WebUI → report ready → heartbeat until stopped. Resolves when `signal` aborts or the hub sends
 * `shutdown`; rejects when provisioning fails (after reporting it).
 */
export async function runAgent(config: AgentConfig, options: RunAgentOptions): Promise<void> {
  let say = options.say ?? (() => {});
  const paths = agentPaths(config.workspace);
  const hub = new HubConnection({
    hubUrl: config.hubUrl,
    bootstrapToken: config.bootstrapToken,
    stateFile: paths.stateFile,
    ...(config.provider ? { provider: config.provider } : {}),
    ...(config.hubProxy ? { proxy: config.hubProxy } : {}),
  });
  const registered = await hub.connect(options.signal);
  const profile = registered?.profile ?? (await hub.profile(options.signal));
  if (!profile) throw new Error('the hub has no profile for this instance');
  say(`instance ${hub.instanceId}: profile ${profile.name}@${profile.version}`);

  const progress = new ProgressTracker();
  const display = options.createDisplay?.(progress);
  const plainSay = say;
  if (display) say = display.say;
  const endDisplay = () => {
    display?.stop();
    say = plainSay;
  };
  let promotion: Promise<void> = Promise.resolve();
  const logs = new LogBatcher((lines) => hub.logs(lines));
  let phase: AgentPhase = 'provisioning';
  let supervisor: WebuiSupervisor | null = null;
  let sync: OutputSync | null = null;
  let idleWatch: IdleWatch | null = null;
  let snapshotContext: SnapshotContext | null = null;
  /** The WebUI's port once known (the owner's "open WebUI" link). */
  let webuiPort: number | undefined;
  const stop = new AbortController();
  if (options.signal.aborted) stop.abort();
  else options.signal.addEventListener('abort', () => stop.abort(), { once: true });
  const acknowledged: { id: string; ok: boolean; message?: string }[] = [];
  const handled = new Set<string>();

  const handle = async (command: AgentCommand) => {
    if (handled.has(command.id)) return;
    handled.add(command.id);
    if (command.kind === 'sync-now') {
      // Runs beside the heartbeats (it may take minutes); acknowledged when done.
      void runSyncCommand(sync, command).then((ack) => acknowledged.push({ id: command.id, ...ack }));
      return;
    }
    if (command.kind === 'snapshot') {
      // Hashing unknown models may take minutes: beside the heartbeats, acknowledged when done.
      void runSnapshotCommand(hub, command, snapshotContext, say, stop.signal).then((ack) =>
        acknowledged.push({ id: command.id, ...ack }),
      );
      return;
    }
    if (command.kind === 'stop-webui') await supervisor?.stop();
    if (command.kind === 'shutdown') stop.abort();
    acknowledged.push({ id: command.id, ok: true });
  };
  const beat = async () => {
    const disk = await statfs(config.workspace).catch(() => null);
    const acks = acknowledged.splice(0);
    const activity = phase === 'ready' ? idleWatch?.facts() : undefined;
    try {
      const reply = await hub.heartbeat({
        phase,
        provisioning: progress.snapshot(),
        webui: {
          state: supervisor?.state ?? 'not-started',
          restarts: supervisor?.restartCount ?? 0,
          ...(webuiPort ? { port: webuiPort } : {}),
        },
        diskFreeBytes: disk ? disk.bavail * disk.bsize : null,
        ...(sync ? { sync: sync.status() } : {}),
        ...(activity ? { activity } : {}),
        acknowledged: acks,
      });
      idleWatch?.answered(reply);
      for (const command of reply.commands) await handle(command);
    } catch {
      acknowledged.unshift(...acks); // the hub will hear about them next time
    }
  };
  const timer = setInterval(() => void beat(), (registered?.heartbeatIntervalSeconds ?? 5) * 1000);
  // Not unref'd: it keeps the agent alive even when nothing else does (a WebUI that gave up restarting).

  try {
    await beat();
    await hub.event({
      level: 'info',
      kind: 'provision.started',
      message: `provisioning ${profile.name}@${profile.version}`,
    });
    const checkouts = await provisionCheckouts(profile.spec, config.workspace, {
      signal: stop.signal,
      onItem: (e) => {
        progress.set(e.kind === 'ui' ? 'ui' : 'extension', e.name, {
          status: e.status === 'started' ? 'running' : e.status === 'failed' ? 'failed' : 'done',
        });
        if (e.status !== 'started')
          say(`${e.kind} ${e.name}: ${e.status}${e.commit ? ` at ${e.commit.slice(0, 12)}` : ''}`);
      },
    });
    const storageUrls = await hub.modelUrls(
      profile.spec.models.map((m) => m.sha256),
      stop.signal,
    );
    const models = await provisionModels(profile.spec, {
      cacheDir: paths.cacheDir,
      uiDir: checkouts.uiDir,
      storageUrls,
      progress,
      signal: stop.signal,
      onWarning: (message) => void hub.event({ level: 'warn', kind: 'model.storage-corrupt', message }),
    });
    for (const m of models)
      say(`model ${m.name}: ${m.from === 'cache' ? 'cached' : `fetched from ${m.from}`}, sha256 verified`);
    const fileUrls = await hub.fileUrls(
      profile.spec.files.flatMap((f) => ('storage' in f && f.storage ? [f.storage] : [])),
      stop.signal,
    );
    const files = await writeProfileFiles(profile.spec, checkouts.uiDir, (key) =>
      readStorageFile(key, fileUrls[key], stop.signal),
    );
    for (const f of files) progress.set('file', f.path, { status: 'done' });
    endDisplay();
    const fetched = models.reduce((sum, m) => sum + m.fetchedBytes, 0);
    await hub.event({
      level: 'info',
      kind: 'provision.done',
      message: 'provisioned',
      data: { fetchedBytes: fetched },
    });

    sync = await startOutputSync(
      profile.spec,
      checkouts.uiDir,
      config.workspace,
      hub,
      (message) => logs.add('agent', `output sync: ${message}`),
      () => idleWatch?.noteOutput(),
    );
    phase = 'starting';
    const launch = launchSpec(profile.spec, config.workspace);
    webuiPort = launch.port;
    const outputs = sync;
    idleWatch = new IdleWatch({
      uiKind: profile.spec.ui.kind,
      port: launch.port,
      webuiPid: () => supervisor?.pid ?? null,
      deadmanMinutes: config.deadmanMinutes,
      providerUrls: config.providerUrls,
      finalSync: () => finalSync(outputs, config.finalSyncSeconds * 1000),
      onEvent: (level, message) => {
        say(`dead-man switch: ${message}`);
        void hub.event({ level, kind: 'agent.deadman', message }).catch(() => {});
      },
      exit: () => stop.abort(),
    });
    supervisor = new WebuiSupervisor(
      { ...launch, env: webuiEnv(launch.env) },
      {
        onLine: (_stream, line) => logs.add('webui', line),
        onState: (state) => say(`webui: ${state}`),
        pidFile: paths.webuiPidFile,
      },
    );
    await beat();
    await supervisor.start();
    phase = 'ready';
    idleWatch.armDeadman();
    snapshotContext = {
      uiDir: checkouts.uiDir,
      uiKind: profile.spec.ui.kind,
      cacheDir: paths.cacheDir,
      profileFiles: profile.spec.files.map((f) => f.path),
      hashMemo: paths.snapshotHashes,
    };
    say(`ready: the WebUI answers on port ${launch.port}`);
    await hub.event({
      level: 'info',
      kind: 'webui.ready',
      message: `WebUI answering on port ${launch.port}`,
    });
    await beat();
    // Models fetched from their own URL go into the library while the WebUI runs: the next instance gets
    // them from storage.
    const promotable = models
      .filter((m) => m.from === 'url')
      .map((m) => ({ name: m.name, sha256: m.sha256, path: m.cachePath, sizeBytes: m.sizeBytes }));
    if (promotable.length)
      promotion = promoteModels(hub, promotable, stop.signal).then(
        async (outcomes) => {
          for (const o of outcomes) {
            if (o.status === 'failed') {
              say(`model ${o.name}: not added to the library: ${o.error}`);
              await hub.event({
                level: 'warn',
                kind: 'model.promotion-failed',
                message: `${o.name}: ${o.error}`,
              });
            } else {
              say(`model ${o.name}: ${o.status === 'exists' ? 'already in' : 'added to'} the library`);
              await hub.event({
                level: 'info',
                kind: 'model.promoted',
                message: `${o.name} is in the library`,
                data: { sha256: o.sha256, sentBytes: o.sentBytes },
              });
            }
          }
        },
        () => {},
      ); // aborted by a stop; the hub resumes the upload next time
    // A stop that came while starting up has already fired its event: do not wait for it a second time.
    if (!stop.signal.aborted)
      await new Promise<void>((resolve) =>
        stop.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
  } catch (error) {
    if (!stop.signal.aborted) {
      phase = 'failed';
      const message = error instanceof Error ? error.message : String(error);
      await hub.event({ level: 'error', kind: 'agent.failed', message }).catch(() => {});
      await beat();
      throw error;
    }
  } finally {
    endDisplay();
    clearInterval(timer);
    idleWatch?.close();
    await promotion;
    if (phase !== 'failed') phase = 'stopping';
    await supervisor?.stop();
    if (sync) {
      // Nothing generated may stay behind: upload what is left (bounded), then say how it went.
      await beat();
      const result = await finalSync(sync, config.finalSyncSeconds * 1000);
      say(`final output sync: ${result.message}`);
      await hub.event({
        level: result.ok ? 'info' : 'error',
        kind: result.ok ? 'sync.final' : 'sync.final-incomplete',
        message: result.message,
      });
      await sync.stop();
    }
    await beat();
    await logs.close();
    await hub.flushEvents().catch(() => {});
    await hub.close();
  }
}
