/**
 * A fake of Runpod's REST v2 pods API (shared/provider-apis.md) under `/v2`: create (201), list, get,
 * actions, DELETE (204), RFC 9457 problem answers. Pods provision, start and run on the fake's clock; their
 * container disk is wiped on stop, restart and start, only a volume is kept (fake-runpod-disks.ts).
 * Test code only.
 */
import { STATUS_CODES } from 'node:http';
import { isRecord } from '../json.js';
import { parseRunpodOfferId, RUNPOD_GPU_TYPES, type RunpodGpuType } from '../runpod/runpod-catalogue.js';
import {
  BOTH_MOUNTS,
  FakePodDisks,
  type FakeRunpodMounts,
  type FakeRunpodPodDisks,
  mountProblems,
  podDisks,
} from './fake-runpod-disks.js';
import { type FakeReply, type FakeRequest, type FakeRoute, FakeServer } from './fake-server.js';

export type RunpodRoute = 'launch' | 'list' | 'get' | 'stop' | 'start' | 'restart' | 'terminate' | 'destroy';
export type RunpodPodStatus = 'PROVISIONING' | 'STARTING' | 'RUNNING' | 'EXITED' | 'ERROR' | 'TERMINATED';

/** A pod as the fake answers it: the documented fields plus what was asked for at create. */
export interface FakeRunpodPod {
  id: string;
  name: string;
  status: RunpodPodStatus;
  /** $/h */
  cost: number;
  image: string;
  gpu: { id: string; count: number; displayName: string };
  disk: number;
  mounts?: FakeRunpodMounts;
  ports: string[];
  env: Record<string, string>;
  createdAt: string;
  runtime: {
    uptime: number;
    gpus: { id: string; gpuUtilPercent: number; memoryUtilPercent: number }[];
    cpu: number;
    memory: number;
    ports: { private: number; public: number | null; type: string; ip: string | null }[];
  } | null;
}

export interface FakeRunpodOptions {
  apiKey?: string;
  /** GPU types the fake knows (create refuses others). Default RUNPOD_GPU_TYPES. */
  gpuTypes?: readonly RunpodGpuType[];
  /** From create/start to RUNNING (first half PROVISIONING, then STARTING). Default 0. */
  startDelayMs?: number;
  now?: () => number;
}

interface Held {
  pod: Omit<FakeRunpodPod, 'status' | 'runtime'>;
  desired: 'RUNNING' | 'EXITED';
  since: number;
  stuck: RunpodPodStatus | null;
  gpuTaken: boolean;
  linger: number;
  destroyed: boolean;
  disks: FakePodDisks;
}

export const FAKE_RUNPOD_KEY = 'runpod-test-key';
const NO_INSTANCES =
  'There are no longer any instances available with the requested specifications. Please refresh and try again.';

export const problem = (status: number, detail: string, errors?: unknown[]): FakeReply => ({
  status,
  body: { title: STATUS_CODES[status] ?? 'Error', status, detail, ...(errors ? { errors } : {}) },
});

export class FakeRunpod extends FakeServer<RunpodRoute> {
  private readonly held = new Map<string, Held>();
  private readonly capacity = new Map<string, number>();
  private readonly networkVolumes = new Map<string, Map<string, string>>();
  private readonly gpuTypes: readonly RunpodGpuType[];
  private readonly startDelayMs: number;
  private readonly now: () => number;
  private nextId = 1;

  constructor(options: FakeRunpodOptions = {}) {
    super({
      apiKey: options.apiKey ?? FAKE_RUNPOD_KEY,
      errorBody: (status, detail) => problem(status, detail).body,
      errorType: 'application/problem+json',
    });
    this.gpuTypes = options.gpuTypes ?? RUNPOD_GPU_TYPES;
    this.startDelayMs = options.startDelayMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  /** The adapter's base URL. */
  get baseUrl(): string {
    return `${this.url}/v2`;
  }

  /** Pods as `GET /v2/pods` shows them. */
  instances(): FakeRunpodPod[] {
    return [...this.held.values()].filter((h) => !h.destroyed).map((h) => this.view(h));
  }

  /** A network volume pods may mount (`mounts.network`); its files outlive every pod. */
  addNetworkVolume(volumeId: string): void {
    if (!this.networkVolumes.has(volumeId)) this.networkVolumes.set(volumeId, new Map());
  }

  /** The pod's disks (see FakeRunpodPodDisks). */
  pod(id: string): FakeRunpodPodDisks {
    const held = this.must(id);
    return podDisks(id, held.disks, () => this.view(held).status);
  }

  /** No more GPUs of this type (a GPU type id or an offer id): create answers "no longer any instances". */
  takeOffer(offerOrGpuTypeId: string): void {
    this.capacity.set(parseRunpodOfferId(offerOrGpuTypeId).gpuTypeId, 0);
  }

  /** The pod stays in this status for good. */
  stuck(id: string, status: 'PROVISIONING' | 'STARTING' | 'ERROR'): void {
    this.must(id).stuck = status;
  }

  /** The pod's machine has no free GPU: starting it is refused. */
  takeGpu(id: string): void {
    this.must(id).gpuTaken = true;
  }

  /** After DELETE, the next `reads` GETs of this id still show it. */
  lingerAfterDestroy(id: string, reads = 1): void {
    this.must(id).linger = reads;
  }

  protected routes(): FakeRoute<RunpodRoute>[] {
    const one = /^\/v2\/pods\/(?<id>[^/]+)$/;
    const act = /^\/v2\/pods\/(?<id>[^/]+)\/action$/;
    const action = (name: RunpodRoute): FakeRoute<RunpodRoute> => ({
      name,
      method: 'POST',
      path: act,
      when: (body) => isRecord(body) && body.action === name,
      handle: (r) => this.act(r, name),
    });
    return [
      { name: 'launch', method: 'POST', path: /^\/v2\/pods$/, handle: (r) => this.create(r.body) },
      {
        name: 'list',
        method: 'GET',
        path: /^\/v2\/pods$/,
        handle: () => ({ status: 200, body: { pods: this.instances() } }),
      },
      { name: 'get', method: 'GET', path: one, handle: (r) => this.get(r.params.id ?? '') },
      action('stop'),
      action('start'),
      action('restart'),
      action('terminate'),
      { name: 'destroy', method: 'DELETE', path: one, handle: (r) => this.destroy(r.params.id ?? '') },
    ];
  }

  private create(body: unknown): FakeReply {
    const b = isRecord(body) ? body : {};
    const gpu = isRecord(b.gpu) ? b.gpu : {};
    const type = this.gpuTypes.find((t) => t.id === gpu.id);
    const count = gpu.count ?? 1;
    const ports = b.ports ?? [];
    const env = b.env ?? {};
    const invalid = [
      typeof b.name === 'string' && b.name !== '' ? null : { field: 'name', message: 'required' },
      typeof b.image === 'string' && b.image !== '' ? null : { field: 'image', message: 'required' },
      type ? null : { field: 'gpu.id', message: `unknown GPU type ${JSON.stringify(gpu.id)}` },
      Number.isInteger(count) && (count as number) > 0
        ? null
        : { field: 'gpu.count', message: 'positive integer' },
      b.disk === undefined || typeof b.disk === 'number' ? null : { field: 'disk', message: 'number (GB)' },
      Array.isArray(ports) && ports.every((p) => typeof p === 'string' && /^\d+\/(http|tcp|udp)$/.test(p))
        ? null
        : { field: 'ports', message: 'like "8888/http"' },
      isRecord(env) && Object.values(env).every((v) => typeof v === 'string')
        ? null
        : { field: 'env', message: 'object of strings' },
      ...mountProblems(b.mounts, new Set(this.networkVolumes.keys())),
    ].filter((e) => e !== null);
    if (invalid.some((e) => e.message === BOTH_MOUNTS)) return problem(400, BOTH_MOUNTS, invalid);
    if (invalid.length > 0 || !type) return problem(400, 'The request body is invalid.', invalid);
    if ((count as number) > (this.capacity.get(type.id) ?? Number.POSITIVE_INFINITY)) {
      return problem(400, NO_INSTANCES);
    }
    const id = `pod${(this.nextId++).toString(36).padStart(11, '0')}`;
    this.held.set(id, {
      pod: {
        id,
        name: b.name as string,
        cost: Math.round(type.pricePerHour * (count as number) * 10_000) / 10_000,
        image: b.image as string,
        gpu: { id: type.id, count: count as number, displayName: type.name },
        disk: (b.disk as number | undefined) ?? 20,
        ...(b.mounts === undefined ? {} : { mounts: b.mounts as FakeRunpodMounts }),
        ports: ports as string[],
        env: env as Record<string, string>,
        createdAt: new Date(this.now()).toISOString(),
      },
      desired: 'RUNNING',
      since: this.now(),
      stuck: null,
      gpuTaken: false,
      linger: 0,
      destroyed: false,
      disks: new FakePodDisks(b.mounts as FakeRunpodMounts | undefined, this.networkVolumes),
    });
    return { status: 201, body: this.view(this.must(id)) };
  }

  private get(id: string): FakeReply {
    const held = this.held.get(id);
    if (!held) return problem(404, `Pod ${id} not found.`);
    if (held.destroyed && --held.linger <= 0) this.held.delete(id);
    return { status: 200, body: this.view(held) };
  }

  private act({ params }: FakeRequest, action: RunpodRoute): FakeReply {
    const held = this.held.get(params.id ?? '');
    if (!held || held.destroyed) return problem(404, `Pod ${params.id} not found.`);
    if (action === 'terminate') return this.destroy(held.pod.id);
    if (action === 'stop') {
      if (held.desired === 'EXITED') return problem(409, 'Pod is not running.');
      held.desired = 'EXITED';
      held.disks.wipeContainerDisk();
    } else if (action === 'start' && held.desired === 'RUNNING') {
      return problem(409, 'Pod is already running.');
    } else {
      if (held.gpuTaken)
        return problem(409, 'There are not enough free GPUs on the host machine to start this pod.');
      held.desired = 'RUNNING';
      held.since = this.now();
      // A new container (start after a stop, or restart): its container disk starts empty.
      held.disks.wipeContainerDisk();
    }
    return { status: 200, body: this.view(held) };
  }

  private destroy(id: string): FakeReply {
    const held = this.held.get(id);
    if (!held || held.destroyed) return problem(404, `Pod ${id} not found.`);
    held.destroyed = true;
    if (held.linger <= 0) this.held.delete(id);
    return { status: 204 };
  }

  private view(held: Held): FakeRunpodPod {
    const elapsed = this.now() - held.since;
    const d = this.startDelayMs;
    const running = held.desired === 'EXITED' ? 'EXITED' : elapsed >= d ? 'RUNNING' : 'STARTING';
    const shown: RunpodPodStatus =
      held.stuck ?? (running === 'STARTING' && elapsed < d / 2 ? 'PROVISIONING' : running);
    const runtime: FakeRunpodPod['runtime'] =
      shown === 'RUNNING'
        ? {
            uptime: Math.floor((elapsed - d) / 1000),
            gpus: Array.from({ length: held.pod.gpu.count }, (_, i) => ({
              id: `gpu-${i}`,
              gpuUtilPercent: 0,
              memoryUtilPercent: 0,
            })),
            cpu: 8 * held.pod.gpu.count,
            memory: 32 * held.pod.gpu.count,
            ports: held.pod.ports.map((spec, i) => {
              const [port, type = 'http'] = spec.split('/');
              const tcp = type === 'tcp';
              return {
                private: Number(port),
                public: tcp ? 40_000 + i : null,
                type,
                ip: tcp ? '203.0.113.9' : null,
              };
            }),
          }
        : null;
    return { ...held.pod, status: shown, runtime };
  }

  private must(id: string): Held {
    const held = this.held.get(id);
    if (!held) throw new Error(`fake runpod: no pod ${id}`);
    return held;
  }
}

/** A listening fake; `close()` it when done. */
export async function startFakeRunpod(options: FakeRunpodOptions = {}): Promise<FakeRunpod> {
  const fake = new FakeRunpod(options);
  await fake.listen();
  return fake;
}
