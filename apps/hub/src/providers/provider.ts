/**
 * One interface for every place GPUs come from. Adapters live one per folder (`vastai/`, `runpod/`,
 * `local/`); the hub's lifecycle service and reconciler only ever see this interface. Every method may
 * throw AuthError, RateLimitedError or ProviderUnavailableError (see errors.ts) besides what it names.
 * No method is ever called inside a database transaction.
 */

/** What the owner asks for when searching offers. All fields optional; units as named. */
export interface OfferRequirements {
  /** e.g. "RTX 4090"; matched case-insensitively, exactly. */
  gpuName?: string;
  gpuCount?: number;
  minVramGb?: number;
  maxPricePerHour?: number;
  /** Lowest CUDA version the image needs, e.g. "12.4". */
  minCuda?: string;
  minDiskGb?: number;
  /** 0..1 */
  minReliability?: number;
  limit?: number;
}

/** A rentable machine, normalised across providers. */
export interface Offer {
  provider: string;
  /** The provider's own offer id (Vast.ai bundle id; Runpod GPU type id). */
  id: string;
  gpuName: string;
  gpuCount: number;
  vramGb: number;
  pricePerHour: number;
  /** Highest CUDA version the host's driver supports, e.g. "12.4"; null when unknown. */
  cudaMax: string | null;
  reliability: number | null;
  downloadMbps: number | null;
  diskGb: number | null;
  location: string | null;
}

/** Everything a launch sends to the provider. */
export interface LaunchSpec {
  /** The PodPilot instance id: carried in the provider's label/name so a lost answer can be found again. */
  instanceId: string;
  /** Offer to rent (`Offer.id`); ignored by the local provider. */
  offerId: string;
  image: string;
  /**
   * The CUDA version the image needs of the host's driver, e.g. "12.4". Providers that place the container
   * themselves (Runpod) only pick hosts at least this new; a Vast.ai offer is one host, checked before.
   */
  minCuda?: string;
  /** Container environment: hub URL, bootstrap token, Tailscale key, provider hints… (never logged). */
  env: Record<string, string>;
  diskGb: number;
  /** Container ports to expose, e.g. [8188]. */
  ports: number[];
}

/** Provider-neutral status of a rented instance. */
export type ProviderStatus =
  /** Created, not running yet (loading the image, provisioning). */
  | 'starting'
  | 'running'
  | 'stopped'
  /**
   * The container (local: the agent process) ended on its own, not on a stop: the disk is kept and `start`
   * runs it again. Before `ready` a failed start; after it a crash (the hub stops it, reason `crashed`).
   */
  | 'exited'
  /** Will never run: destroy it (Vast.ai exited/unknown/offline, Runpod ERROR). */
  | 'failed'
  /** Destroyed or gone. */
  | 'gone';

/** Which of several instances with one label matters most: a live one before a stopped or dead one. */
export function mostAlive(instances: ProviderInstance[]): ProviderInstance | null {
  const rank: Record<ProviderStatus, number> = {
    running: 0,
    starting: 1,
    stopped: 2,
    exited: 3,
    failed: 4,
    gone: 5,
  };
  return [...instances].sort((a, b) => rank[a.status] - rank[b.status])[0] ?? null;
}

export interface ProviderInstance {
  /** The provider's id (Vast.ai contract id, Runpod pod id, local: a folder name). */
  id: string;
  /** The PodPilot instance id read back from the label/name; null for instances PodPilot did not start. */
  podpilotId: string | null;
  status: ProviderStatus;
  /** The provider's own status word, for messages (Vast.ai: `created` while `actual_status` is still null). */
  rawStatus: string;
  /**
   * The provider's own explanation of the status, when it gives one (Vast.ai `status_msg`: an image pull's
   * progress, a container error); null or absent otherwise.
   */
  statusMessage?: string | null;
  pricePerHour: number | null;
  /** $/h billed while stopped (the kept disk or volume); null or absent when the provider does not say. */
  stoppedStoragePerHour?: number | null;
  gpuName: string | null;
  gpuCount: number | null;
  publicIp: string | null;
  /**
   * Public host port per published container TCP port (Vast.ai maps each `-p` port to a host port of its
   * own); absent where the provider does not map ports (Runpod's HTTP proxy, local).
   */
  portMap?: Record<number, number>;
}

export interface ComputeProvider {
  /** `vastai`, `runpod` or `local`. */
  readonly kind: string;

  /** Offers matching the requirements, cheapest first. Read-only, safe to retry. */
  searchOffers(requirements: OfferRequirements): Promise<Offer[]>;

  /**
   * Rents an instance for `spec` and returns it (usually `starting`). Not idempotent by itself: the caller
   * first looks for an instance labelled with `spec.instanceId` (`findByPodpilotId`) and only then calls
   * launch again. Throws NoCapacityError when the offer is gone.
   */
  launch(spec: LaunchSpec): Promise<ProviderInstance>;

  /** The instance, or null when the provider does not know it (destroyed long ago). Read-only. */
  get(id: string): Promise<ProviderInstance | null>;

  /** Every instance of this account (PodPilot's and others'). Read-only. */
  list(): Promise<ProviderInstance[]>;

  /** Our instance labelled with this PodPilot id, or null. Read-only. */
  findByPodpilotId(podpilotId: string): Promise<ProviderInstance | null>;

  /**
   * Ends the rental for good (billing stops once it is gone). Idempotent: no error when already gone.
   * Throws NotYetTerminatedError when the provider accepted but the instance still exists.
   */
  destroy(id: string): Promise<void>;
}

/** Providers that can stop an instance (billing for the GPU stops, the disk is kept) and start it again. */
export interface StoppableProvider extends ComputeProvider {
  /** Idempotent: stopping a stopped instance is fine. Returns once the provider accepted the request. */
  stop(id: string): Promise<void>;
  /** Idempotent. Throws NoCapacityError when the machine's GPU was taken meanwhile (Vast.ai). */
  start(id: string): Promise<void>;
}

export function isStoppable(provider: ComputeProvider): provider is StoppableProvider {
  return (
    typeof (provider as Partial<StoppableProvider>).stop === 'function' &&
    typeof (provider as Partial<StoppableProvider>).start === 'function'
  );
}

/** The label PodPilot puts on every instance it rents: `podpilot-<instance id>`. */
export const labelFor = (podpilotId: string) => `podpilot-${podpilotId}`;

/** The PodPilot instance id in a label or pod name, or null for anything else. */
export function podpilotIdOf(label: string | null | undefined): string | null {
  const match = /^podpilot-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(label ?? '');
  return match?.[1] ?? null;
}
