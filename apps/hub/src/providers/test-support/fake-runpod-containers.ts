/**
 * The Runpod fake running what it rents (fake-containers.ts): create and start run the pod's container with
 * the environment of the create request (plus `RUNPOD_POD_ID`, as Runpod sets it); stop stops it and wipes
 * its container disk, keeping `/workspace` only when a volume is mounted there (`mounts.persistent` or a
 * network volume; fake-runpod-disks.ts models the same rule); restart is a stop and a start; terminate and
 * DELETE remove it. A container that exits on its own is restarted by Runpod as a new container (its
 * container disk empty) while the pod stays RUNNING: dstackai/dstack#1142 ("the Runpod provider infinitely
 * restarts the pod if the docker args script is incorrect"), transformerlab/transformerlab-app#1296
 * ("runpod keeps restarting the docker container" when the job fails). Test code only.
 */
import { isRecord } from '../json.js';
import type { ContainerRuntime } from './fake-containers.js';
import { FakeRunpod, type FakeRunpodOptions, type RunpodRoute } from './fake-runpod.js';
import type { FakeReply, FakeRequest, FakeRoute } from './fake-server.js';

/** Between a container's own exit and Runpod starting the next one (no hot loop in tests). */
const RESTART_DELAY_MS = 1_000;

/** Whether the create's `mounts` put a volume at /workspace. */
export function volumeAtWorkspace(mounts: unknown): boolean {
  if (!isRecord(mounts)) return false;
  const at = (m: unknown) => isRecord(m) && String(m.path).replace(/\/$/, '') === '/workspace';
  return at(mounts.persistent) || (Array.isArray(mounts.network) && mounts.network.some(at));
}

export class FakeRunpodWithContainers extends FakeRunpod {
  private readonly workspaceKept = new Map<string, boolean>();
  private readonly removed = new Set<string>();

  constructor(
    readonly containers: ContainerRuntime,
    options: FakeRunpodOptions = {},
  ) {
    super(options);
    containers.onExit = (id) => void this.restartAfterExit(id);
  }

  /** Runpod's restart of a container: the pod's container disk is new, its volume kept. */
  async restartContainer(id: string): Promise<void> {
    await this.containers.kill(id);
    await this.containers.wipeContainerDisk(id, this.workspaceKept.get(id) ?? false);
    this.containers.run(id);
  }

  protected override routes(): FakeRoute<RunpodRoute>[] {
    return super.routes().map((route) => ({
      ...route,
      handle: (request: FakeRequest) => {
        const reply = route.handle(request);
        if (reply.status < 300) this.follow(route.name, request, reply);
        return reply;
      },
    }));
  }

  /** What the machine does after Runpod accepted a call. */
  private follow(route: RunpodRoute, request: FakeRequest, reply: FakeReply): void {
    const id = request.params.id ?? '';
    if (route === 'launch' && isRecord(reply.body) && isRecord(request.body)) {
      const pod = String(reply.body.id);
      this.workspaceKept.set(pod, volumeAtWorkspace(request.body.mounts));
      const env = isRecord(request.body.env) ? request.body.env : {};
      const vars = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
      this.containers.run(pod, { ...vars, RUNPOD_POD_ID: pod });
    } else if (route === 'stop') {
      void this.stopContainer(id);
    } else if (route === 'start') {
      this.containers.run(id);
    } else if (route === 'restart') {
      void this.stopContainer(id).then(() => this.containers.run(id));
    } else if (route === 'terminate' || route === 'destroy') {
      this.removed.add(id);
      void this.containers.remove(id);
    }
  }

  private async stopContainer(id: string): Promise<void> {
    await this.containers.stop(id);
    await this.containers.wipeContainerDisk(id, this.workspaceKept.get(id) ?? false);
  }

  private async restartAfterExit(id: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
    const pod = this.instances().find((p) => p.id === id);
    if (!pod || pod.status === 'EXITED' || this.removed.has(id)) return;
    await this.containers.wipeContainerDisk(id, this.workspaceKept.get(id) ?? false);
    this.containers.run(id);
  }
}

/** A listening fake whose pods run in `containers`; `close()` it when done. */
export async function startFakeRunpodWithContainers(
  containers: ContainerRuntime,
  options: FakeRunpodOptions = {},
): Promise<FakeRunpodWithContainers> {
  const fake = new FakeRunpodWithContainers(containers, options);
  await fake.listen();
  return fake;
}
