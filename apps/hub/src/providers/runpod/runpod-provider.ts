import { compareCuda, cutToCodeUnits } from '@podpilot/common';
import { NoCapacityError, NotYetTerminatedError, ProviderError } from '../errors.js';
import { isRecord, num, str } from '../json.js';
import {
  type LaunchSpec,
  labelFor,
  mostAlive,
  type Offer,
  type OfferRequirements,
  type ProviderInstance,
  type ProviderStatus,
  podpilotIdOf,
  type StoppableProvider,
} from '../provider.js';
import { type HttpAnswer, type ProviderConnectionOptions, ProviderHttp } from '../provider-http.js';
import {
  parseRunpodOfferId,
  RUNPOD_GPU_TYPES,
  type RunpodGpuType,
  searchCatalogue,
} from './runpod-catalogue.js';
import {
  RUNPOD_CONTAINER_DISK_GB,
  RUNPOD_VOLUME_PATH,
  runpodStoppedStoragePerHour,
} from './runpod-storage.js';

export const RUNPOD_BASE_URL = 'https://api.runpod.io/v2';

/** `baseUrl` defaults to `https://api.runpod.io/v2`; paths `/pods…` are appended. */
export interface RunpodProviderOptions extends ProviderConnectionOptions {
  /** The offer catalogue (see runpod-catalogue.ts). Default RUNPOD_GPU_TYPES. */
  gpuTypes?: readonly RunpodGpuType[];
  /** Sent as `cloud` when set; Runpod's default otherwise. */
  cloud?: 'SECURE' | 'COMMUNITY';
}

/** Runpod's words for "no GPU for you" at create ("There are no longer any instances available…") and resume. */
const NO_CAPACITY = /no longer any instances|not enough free gpus|no (?:gpus?|instances|capacity) available/i;

/** RFC 9457 problem details: "title: detail" (the detail is what explains it), else the text. */
export function runpodDescribe(body: unknown, text: string): string {
  if (isRecord(body)) {
    const title = str(body.title);
    const detail = str(body.detail) ?? str(body.message) ?? str(body.error);
    if (title && detail) return `${title}: ${detail}`;
    if (title || detail) return (title ?? detail) as string;
  }
  return cutToCodeUnits(text, 200);
}

/**
 * Pod `status` → ProviderStatus: PROVISIONING/STARTING → starting, RUNNING, EXITED → stopped, ERROR →
 * failed, TERMINATED → gone; unknown words → starting. v1's `desiredStatus` is read when `status` is absent.
 */
export function runpodStatus(status: string | null): ProviderStatus {
  switch (status) {
    case 'RUNNING':
      return 'running';
    case 'EXITED':
      return 'stopped';
    case 'ERROR':
      return 'failed';
    case 'TERMINATED':
      return 'gone';
    default:
      return 'starting';
  }
}

/** The pod's own volume size: `mounts.persistent.size` (REST v2, as created), else v1's `volumeInGb`. */
function volumeGbOf(pod: Record<string, unknown>): number | null {
  const mounts = isRecord(pod.mounts) ? pod.mounts : {};
  const persistent = isRecord(mounts.persistent) ? mounts.persistent : {};
  return num(persistent.size) ?? num(pod.volumeInGb);
}

/** A stopped pod bills only its volume, at the stopped rate; null when the pod does not say its size. */
const volumeStoragePerHour = (gb: number | null) => (gb === null ? null : runpodStoppedStoragePerHour(gb));

/** One pod, normalised; the PodPilot id comes back from the pod name. */
export function runpodInstance(pod: Record<string, unknown>): ProviderInstance {
  const raw = str(pod.status) ?? str(pod.desiredStatus);
  const gpu = isRecord(pod.gpu) ? pod.gpu : {};
  const runtime = isRecord(pod.runtime) ? pod.runtime : {};
  const ports = Array.isArray(runtime.ports) ? runtime.ports.filter(isRecord) : [];
  const gpus = Array.isArray(runtime.gpus) ? runtime.gpus.length : null;
  return {
    id: String(pod.id),
    podpilotId: podpilotIdOf(str(pod.name)),
    status: runpodStatus(raw),
    rawStatus: raw ?? 'null',
    pricePerHour: num(pod.cost) ?? num(pod.costPerHr),
    stoppedStoragePerHour: volumeStoragePerHour(volumeGbOf(pod)),
    gpuName: str(gpu.displayName) ?? str(gpu.id),
    gpuCount: num(gpu.count) ?? num(pod.gpuCount) ?? gpus,
    publicIp: ports.map((port) => str(port.ip)).find((ip) => ip !== null) ?? null,
  };
}

const ok = (answer: HttpAnswer) => answer.status >= 200 && answer.status < 300;

/**
 * Runpod over REST v2 (Bearer auth). Every method may throw AuthError, RateLimitedError or
 * ProviderUnavailableError; errors carry the RFC 9457 `detail`. The API key is never logged.
 */
export class RunpodProvider implements StoppableProvider {
  readonly kind = 'runpod';
  private readonly http: ProviderHttp;
  private readonly gpuTypes: readonly RunpodGpuType[];
  private readonly cloud: 'SECURE' | 'COMMUNITY' | undefined;

  constructor(options: RunpodProviderOptions) {
    this.gpuTypes = options.gpuTypes ?? RUNPOD_GPU_TYPES;
    this.cloud = options.cloud;
    this.http = new ProviderHttp({
      ...options,
      provider: this.kind,
      baseUrl: options.baseUrl ?? RUNPOD_BASE_URL,
      describe: runpodDescribe,
    });
  }

  /** GPU types from the catalogue (no network call), cheapest first. See runpod-catalogue.ts. */
  async searchOffers(requirements: OfferRequirements): Promise<Offer[]> {
    return searchCatalogue(this.gpuTypes, requirements);
  }

  /**
   * `POST /pods` named `podpilot-<instanceId>` with the offer's GPU type, count and CUDA floor; ports are
   * exposed as `<port>/http`. The launch's disk is a volume at `/workspace` (`mounts.persistent`), the only
   * disk a stop or restart keeps; the container disk (`disk`) is the fixed RUNPOD_CONTAINER_DISK_GB
   * (runpod-storage.ts). Not idempotent (see ComputeProvider.launch). Throws NoCapacityError when
   * Runpod has no such GPU free; ProviderUnavailableError when the answer was lost or 5xx (the pod may
   * exist: `findByPodpilotId`).
   */
  async launch(spec: LaunchSpec): Promise<ProviderInstance> {
    const choice = parseRunpodOfferId(spec.offerId);
    // The offer's floor or the image's need, whichever is newer: Runpod then places the pod on such a host.
    const floors = [choice.minCuda, spec.minCuda].filter((v): v is string => Boolean(v));
    const minCuda = floors.sort((a, b) => compareCuda(a, b) ?? 0).at(-1);
    const body: Record<string, unknown> = {
      name: labelFor(spec.instanceId),
      image: spec.image,
      gpu: {
        id: choice.gpuTypeId,
        count: choice.count,
        ...(minCuda ? { minCudaVersion: minCuda } : {}),
      },
      disk: RUNPOD_CONTAINER_DISK_GB,
      mounts: { persistent: { size: spec.diskGb, path: RUNPOD_VOLUME_PATH } },
      ports: spec.ports.map((port) => `${port}/http`),
      env: spec.env,
      ...(this.cloud ? { cloud: this.cloud } : {}),
    };
    const answer = await this.http.request('POST', '/pods', body, this.noCapacity(`offer ${spec.offerId}`));
    if (!ok(answer)) throw this.http.unexpected(answer);
    if (!isRecord(answer.body) || answer.body.id === undefined) throw this.http.malformed(answer);
    return runpodInstance(answer.body);
  }

  /** `GET /pods/{id}`; null when Runpod answers 404. A terminated pod still listed comes back as `gone`. */
  async get(id: string): Promise<ProviderInstance | null> {
    const answer = await this.http.request('GET', `/pods/${encodeURIComponent(id)}`);
    if (answer.status === 404) return null;
    if (!ok(answer)) throw this.http.unexpected(answer);
    if (!isRecord(answer.body)) throw this.http.malformed(answer);
    const pod = isRecord(answer.body.pod) ? answer.body.pod : answer.body;
    return pod.id === undefined ? null : runpodInstance(pod);
  }

  /** `GET /pods` (`{"pods": […]}`; a bare array is accepted too). */
  async list(): Promise<ProviderInstance[]> {
    const answer = await this.http.request('GET', '/pods');
    if (!ok(answer)) throw this.http.unexpected(answer);
    const pods = Array.isArray(answer.body)
      ? answer.body
      : isRecord(answer.body)
        ? answer.body.pods
        : undefined;
    if (!Array.isArray(pods)) throw this.http.malformed(answer);
    return pods.filter(isRecord).map(runpodInstance);
  }

  /** The pod named `podpilot-<podpilotId>` that is not terminated (a running one first), or null. */
  async findByPodpilotId(podpilotId: string): Promise<ProviderInstance | null> {
    const mine = (await this.list()).filter((pod) => pod.podpilotId === podpilotId && pod.status !== 'gone');
    return mostAlive(mine);
  }

  /** `POST /pods/{id}/action {"action":"stop"}`. Idempotent: a refusal for a pod already stopped is fine. */
  async stop(id: string): Promise<void> {
    await this.action(id, 'stop', ['stopped']);
  }

  /**
   * `POST /pods/{id}/action {"action":"start"}`. Idempotent: a refusal for a pod already starting/running is
   * fine. Throws NoCapacityError when the pod's machine has no free GPU any more.
   */
  async start(id: string): Promise<void> {
    await this.action(id, 'start', ['starting', 'running']);
  }

  /**
   * `DELETE /pods/{id}` (204), then one `GET` to confirm. Idempotent: 404 means already gone. Throws
   * NotYetTerminatedError when Runpod accepted but still shows the pod not TERMINATED (call again later).
   */
  async destroy(id: string): Promise<void> {
    const answer = await this.http.request('DELETE', `/pods/${encodeURIComponent(id)}`);
    if (answer.status === 404) return;
    if (!ok(answer)) throw this.http.unexpected(answer);
    const still = await this.get(id);
    if (still && still.status !== 'gone') {
      throw new NotYetTerminatedError(this.kind, `pod ${id} still exists after destroy (${still.rawStatus})`);
    }
  }

  private async action(id: string, action: 'start' | 'stop', fine: ProviderStatus[]): Promise<void> {
    const path = `/pods/${encodeURIComponent(id)}/action`;
    const interpret = action === 'start' ? this.noCapacity(`pod ${id}`) : undefined;
    const answer = await this.http.request('POST', path, { action }, interpret);
    if (ok(answer)) return;
    if (answer.status === 404) throw new ProviderError(this.kind, `pod ${id} not found`);
    // Runpod refuses a stop of a stopped pod (or a start of a running one): already where we want it?
    const now = await this.get(id);
    if (now && fine.includes(now.status)) return;
    throw this.http.unexpected(answer);
  }

  private noCapacity(subject: string) {
    return (answer: HttpAnswer) =>
      answer.status >= 400 && answer.status !== 429 && NO_CAPACITY.test(answer.text)
        ? new NoCapacityError(
            this.kind,
            this.http.redact(`${subject}: ${runpodDescribe(answer.body, answer.text)}`),
          )
        : undefined;
  }
}
