/**
 * The fake Runpod's disks (shared/provider-apis.md, "Runpod"): a pod's container disk (`disk`) is wiped
 * whenever its container is made anew (stop, restart, start after a stop); only a volume survives, either
 * the pod's own (`mounts.persistent {size, path}`, gone with the pod) or a network volume
 * (`mounts.network [{volumeId, path}]`, kept apart from any pod). At most one of the two: 400 if both.
 * Files are paths mapped to their content, written and read back by tests as the agent would inside the pod.
 * Test code only.
 */
import { isRecord } from '../json.js';

export type FieldProblem = { field: string; message: string };

export interface FakeRunpodMounts {
  persistent?: { size: number; path: string };
  network?: { volumeId: string; path: string }[];
}

export const BOTH_MOUNTS = 'Only one of mounts.persistent and mounts.network may be set.';

const absolute = (path: unknown): path is string => typeof path === 'string' && /^\/[^\0]*$/.test(path);

/** What is wrong with a create's `mounts` (absent is fine: a pod with no volume). */
export function mountProblems(mounts: unknown, networkVolumes: ReadonlySet<string>): FieldProblem[] {
  if (mounts === undefined) return [];
  if (!isRecord(mounts)) return [{ field: 'mounts', message: 'object' }];
  const { persistent, network } = mounts;
  if (persistent !== undefined && network !== undefined) return [{ field: 'mounts', message: BOTH_MOUNTS }];
  const problems: FieldProblem[] = [];
  if (persistent !== undefined) {
    const p = isRecord(persistent) ? persistent : {};
    if (!Number.isInteger(p.size) || (p.size as number) <= 0)
      problems.push({ field: 'mounts.persistent.size', message: 'positive integer (GB)' });
    if (!absolute(p.path)) problems.push({ field: 'mounts.persistent.path', message: 'absolute path' });
  }
  if (network !== undefined) {
    const entries = Array.isArray(network) ? network : [null];
    entries.forEach((entry, i) => {
      const e = isRecord(entry) ? entry : {};
      if (typeof e.volumeId !== 'string' || !networkVolumes.has(e.volumeId))
        problems.push({ field: `mounts.network[${i}].volumeId`, message: 'no such network volume' });
      if (!absolute(e.path)) problems.push({ field: `mounts.network[${i}].path`, message: 'absolute path' });
    });
  }
  return problems;
}

type Files = Map<string, string>;

/** One pod's disks. `networkVolumes` holds the files of every network volume, by id. */
export class FakePodDisks {
  private container: Files = new Map();
  private readonly volumes: { path: string; files: Files }[];
  /** How many times the container disk was wiped (0 until the first stop/restart/start). */
  containerDiskGeneration = 0;

  constructor(mounts: FakeRunpodMounts | undefined, networkVolumes: Map<string, Files>) {
    const own = mounts?.persistent ? [{ path: mounts.persistent.path, files: new Map() as Files }] : [];
    const shared = (mounts?.network ?? []).map((m) => ({
      path: m.path,
      files: networkVolumes.get(m.volumeId) ?? new Map(),
    }));
    this.volumes = [...own, ...shared];
  }

  /** A new container: everything on the container disk is gone, volumes are untouched. */
  wipeContainerDisk(): void {
    this.container = new Map();
    this.containerDiskGeneration += 1;
  }

  write(path: string, content: string): void {
    this.disk(path).set(path, content);
  }

  /** The file's content, or null when it is not there (never written, or wiped). */
  read(path: string): string | null {
    return this.disk(path).get(path) ?? null;
  }

  /** The volume mounted at or above `path`, else the container disk. */
  private disk(path: string): Files {
    if (!absolute(path)) throw new Error(`fake runpod: ${path} is not an absolute path`);
    const volume = this.volumes.find(
      (v) => path === v.path || path.startsWith(`${v.path.replace(/\/$/, '')}/`),
    );
    return volume?.files ?? this.container;
  }
}

/** A pod's disks as the agent inside it sees them (paths are absolute). */
export interface FakeRunpodPodDisks {
  /** Wipes of the container disk so far: one per stop, restart and start. */
  readonly containerDiskGeneration: number;
  /** Throws unless the pod is RUNNING (nothing runs in it to write). */
  writeFile(path: string, content: string): void;
  /** The content, or null when the file is not there (never written, or on a wiped container disk). */
  readFile(path: string): string | null;
}

export function podDisks(id: string, disks: FakePodDisks, status: () => string): FakeRunpodPodDisks {
  return {
    get containerDiskGeneration() {
      return disks.containerDiskGeneration;
    },
    writeFile: (path, content) => {
      const now = status();
      if (now !== 'RUNNING') throw new Error(`fake runpod: pod ${id} is ${now}, cannot write ${path}`);
      disks.write(path, content);
    },
    readFile: (path) => disks.read(path),
  };
}
