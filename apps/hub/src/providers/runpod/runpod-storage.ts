/**
 * Runpod's disks and what they cost (shared/provider-apis.md, "Runpod"; Runpod's "Storage options" page).
 *
 * A pod has two disks: the container disk (`disk`), wiped on every stop and restart, and a volume, the only
 * thing a stopped pod keeps. REST v2 gives a pod no volume unless asked, so every PodPilot pod declares one
 * at `/workspace` (`mounts.persistent`) sized by the launch's disk: the agent's credentials, the UI, its
 * models and outputs live there and survive stop → start. The container disk holds only the image and
 * temporary files, so its size is fixed.
 */
import { LaunchRequest } from '@podpilot/common';

/**
 * The container disk, GB: PodPilot's images are 8–15 GB uncompressed (docs/images.md) and everything kept
 * lives on the `/workspace` volume, so 30 GB leaves room for the image plus pip/download temporary files
 * without paying for space that is wiped at every stop anyway.
 */
export const RUNPOD_CONTAINER_DISK_GB = 30;

/** Where the volume is mounted: the agent, the UIs and the entrypoint keep their state under it. */
export const RUNPOD_VOLUME_PATH = '/workspace';

/**
 * The disk a launch gets when it names none (`LaunchRequest.diskGb`'s default): offers are listed before the
 * disk is chosen, so their price includes a volume of this size unless the search names `minDiskGb`.
 */
export const RUNPOD_DEFAULT_VOLUME_GB: number = LaunchRequest.shape.diskGb.parse(undefined);

/** $/GB/month (Runpod's storage page). */
export const RUNPOD_STORAGE_PRICES = {
  containerDisk: 0.1,
  volumeRunning: 0.1,
  volumeStopped: 0.2,
} as const;

/** Runpod bills storage per month; an hourly price divides by 730 h (365 × 24 / 12). */
const HOURS_A_MONTH = 730;

/** $/h of a running pod's disks: the fixed container disk plus a `/workspace` volume of `volumeGb`. */
export function runpodRunningStoragePerHour(volumeGb: number): number {
  const p = RUNPOD_STORAGE_PRICES;
  return (RUNPOD_CONTAINER_DISK_GB * p.containerDisk + volumeGb * p.volumeRunning) / HOURS_A_MONTH;
}

/** $/h of a stopped pod: only its volume is kept, and billed at the stopped rate. */
export function runpodStoppedStoragePerHour(volumeGb: number): number {
  return (volumeGb * RUNPOD_STORAGE_PRICES.volumeStopped) / HOURS_A_MONTH;
}
