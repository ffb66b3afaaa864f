import { UI_KINDS } from '@podpilot/common';
import { type LaunchSpec, launchSpec, loopbackLaunch } from '../provision/launch.js';
import type { Provisioned } from '../provision/provision.js';
import { importFailureListener } from '../python/import-failures.js';
import { webuiEnv } from '../supervisor/webui-env.js';
import { WebuiSupervisor } from '../supervisor/webui-supervisor.js';
import type { OutputSync } from '../sync/index.js';
import { freeLoopbackPort, startLinkProxy } from '../webui-proxy/start.js';
import type { AgentRuntime } from './agent-runtime.js';
import { IdleWatch } from './idle-watch.js';
import { finalSync, startOutputSync } from './output-sync.js';
import { promoteFetchedModels } from './promotion.js';

/**
 * Runs the provisioned instance: output sync, activity and dead-man switch, the WebUI (phase `starting`, then
 * `ready` once its port answers), then the library promotion of models fetched from their URL in the
 * background. Each part goes on the state as it starts, so shutdown stops whatever did.
 */
export async function serve(rt: AgentRuntime, provisioned: Provisioned): Promise<void> {
  const { state, hub, terminal } = rt;
  const spec = rt.profile.spec;
  const sync = await startOutputSync(
    spec,
    provisioned.uiDir,
    rt.config.workspace,
    hub,
    (message) => rt.logs.add('agent', `output sync: ${message}`, 'warn'),
    () => state.idleWatch?.noteOutput(),
  );
  state.sync = sync;
  state.phase = 'starting';
  const published = launchSpec(spec, rt.config.workspace, rt.config.webuiPort);
  const proxied = rt.config.webuiAuth === 'link';
  // Behind the link proxy the WebUI listens on loopback only; the proxy takes the port browsers come to.
  // A local instance's WebUI listens on loopback only too, on its own port: the hub's machine opens it.
  const launch = proxied
    ? loopbackLaunch(spec, published, await freeLoopbackPort())
    : rt.config.provider?.kind === 'local'
      ? loopbackLaunch(spec, published, published.port)
      : published;
  state.webuiPort = published.port;
  const idleWatch = watchIdle(rt, launch, sync);
  state.idleWatch = idleWatch;
  const supervisor = supervise(rt, launch);
  state.supervisor = supervisor;
  await rt.heartbeat.beat();
  await supervisor.start();
  if (proxied) await frontWithProxy(rt, published.port, launch.port);
  state.phase = 'ready';
  idleWatch.armDeadman();
  state.snapshotContext = {
    uiDir: provisioned.uiDir,
    uiKind: spec.ui.kind,
    cacheDir: rt.paths.cacheDir,
    profileFiles: spec.files.map((f) => f.path),
    hashMemo: rt.paths.snapshotHashes,
  };
  const where = proxied ? `${published.port} (through the link proxy)` : `${published.port}`;
  terminal.say(`ready: the WebUI answers on port ${where}`);
  await hub.event({ level: 'info', kind: 'webui.ready', message: `WebUI answering on port ${where}` });
  await rt.heartbeat.beat();
  state.promotion = promoteFetchedModels(hub, provisioned.models, terminal.say, rt.stop.signal);
}

/** The authenticating proxy on the WebUI's published port, closed when the agent stops. */
async function frontWithProxy(rt: AgentRuntime, publicPort: number, internalPort: number): Promise<void> {
  const proxy = await startLinkProxy({
    stateFile: rt.paths.stateFile,
    instanceId: rt.hub.instanceId ?? '',
    publicPort,
    internalPort,
    log: (line) => rt.logs.add('agent', line, 'info'),
  });
  if (rt.stop.signal.aborted) await proxy.close();
  else rt.stop.signal.addEventListener('abort', () => void proxy.close(), { once: true });
  rt.terminal.say(`webui: behind the link proxy on port ${publicPort} (itself on 127.0.0.1:${internalPort})`);
}

/** Activity facts for the heartbeats, and the dead-man switch (armed once the WebUI runs). */
function watchIdle(rt: AgentRuntime, launch: LaunchSpec, sync: OutputSync): IdleWatch {
  return new IdleWatch({
    uiKind: rt.profile.spec.ui.kind,
    port: launch.port,
    webuiPid: () => rt.state.supervisor?.pid ?? null,
    deadmanMinutes: rt.config.deadmanMinutes,
    providerUrls: rt.config.providerUrls,
    finalSync: () => finalSync(sync, rt.config.finalSyncSeconds * 1000),
    onEvent: (level, message) => {
      rt.terminal.say(`dead-man switch: ${message}`, level);
      void rt.hub.event({ level, kind: 'agent.deadman', message }).catch(() => {});
    },
    exit: () => rt.stop.abort(),
  });
}

/**
 * The WebUI's process, its output going to the hub's log; an extension its log says it could not load is
 * one warning event (ready does not hide it).
 */
function supervise(rt: AgentRuntime, launch: LaunchSpec): WebuiSupervisor {
  const kind = rt.profile.spec.ui.kind;
  const importFailures = importFailureListener(kind, UI_KINDS[kind].extensionsDir, (failure) => {
    rt.hub
      .event({
        level: 'warn',
        kind: 'webui.import-failed',
        message: `extension ${failure.name}: the WebUI could not load it: ${failure.line}`,
        data: { ...failure },
      })
      .catch(() => {}); // queued by the connection; nothing to add here
  });
  return new WebuiSupervisor(
    { ...launch, env: webuiEnv(launch.env) },
    {
      onLine: (_stream, line) => {
        rt.logs.add('webui', line);
        importFailures(line);
      },
      onState: (state) => rt.terminal.say(`webui: ${state}`, state === 'crashed' ? 'warn' : 'info'),
      pidFile: rt.paths.webuiPidFile,
    },
  );
}
