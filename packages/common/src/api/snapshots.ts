import * as z from 'zod';
import { PinnedPackage } from '../profile/profile-python.js';
import { Sha256 } from './models.js';

const Timestamp = z.iso.datetime({ message: 'expected an ISO-8601 time with a Z offset' });
const RelPath = z.string().min(1).max(1024);

/** A git checkout as found on the instance: the UI (`path: ''`) or an extension folder. */
export const SnapshotCheckout = z.object({
  /** Relative to the UI folder: '' for the UI itself, e.g. `custom_nodes/ComfyUI-Impact-Pack`. */
  path: z.string().max(1024),
  /** `origin`'s URL; null when the folder has no remote (cannot be reproduced). */
  remote: z.string().max(2048).nullable(),
  /** HEAD; null when the folder is no git checkout or has no commit. */
  commit: z
    .string()
    .regex(/^[0-9a-f]{40}$/, 'expected a 40-hex commit')
    .nullable(),
  /** Files with local changes (`git status --porcelain`), relative to the checkout. */
  dirtyFiles: z.array(RelPath).max(1000),
});
export type SnapshotCheckout = z.infer<typeof SnapshotCheckout>;

/** A model file found in one of the UI's model folders. */
export const SnapshotModel = z.object({
  /** Relative to the UI folder, e.g. `models/checkpoints/sdxl.safetensors`. */
  path: RelPath,
  sha256: Sha256,
  sizeBytes: z.number().int().nonnegative(),
});
export type SnapshotModel = z.infer<typeof SnapshotModel>;

/** A profile file or a known settings file of the UI kind. */
export const SnapshotFile = z.object({
  /** Relative to the UI folder. */
  path: RelPath,
  sha256: Sha256,
  sizeBytes: z.number().int().nonnegative(),
  /** The text, for UTF-8 files up to 256 KiB (larger or binary files are named in `warnings`). */
  content: z.string().max(262_144).optional(),
});
export type SnapshotFile = z.infer<typeof SnapshotFile>;

/** `POST /agent/v1/snapshot`: what the agent found on the instance, for the `snapshot` command `commandId`. */
export const SnapshotReport = z.object({
  commandId: z.uuid(),
  takenAt: Timestamp,
  ui: SnapshotCheckout,
  extensions: z.array(SnapshotCheckout).max(500),
  models: z.array(SnapshotModel).max(5000),
  files: z.array(SnapshotFile).max(500),
  /**
   * What the instance's overlay venv adds or changes over its base environment, as sorted `name==version`
   * pins. Left out by older agents: the snapshot then keeps the launched profile's pins.
   */
  python: z.object({ packages: z.array(PinnedPackage).max(1000) }).optional(),
  /** What cannot be reproduced: dirty checkouts, extensions without a remote, files it could not keep. */
  warnings: z.array(z.string().max(2000)).max(1000),
});
export type SnapshotReport = z.infer<typeof SnapshotReport>;

/** `POST /api/instances/:id/snapshot`: capture the instance into a profile version. */
export const CreateSnapshotRequest = z.object({
  /** Profile to store it in: the instance's own profile (a new version) when left out. */
  as: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lowercase letters, digits and dashes (max 63)')
    .optional(),
});
export type CreateSnapshotRequest = z.infer<typeof CreateSnapshotRequest>;

/**
 * A model found on the instance that the library does not hold yet: the agent uploads it (through the model
 * upload routes under `/agent/v1/models/:sha256/promotion`) so the snapshot can be launched elsewhere.
 */
export const SnapshotUpload = z.object({
  sha256: Sha256,
  /** Where the agent found it, relative to the UI folder. */
  path: RelPath,
  sizeBytes: z.number().int().nonnegative(),
});
export type SnapshotUpload = z.infer<typeof SnapshotUpload>;

/** The stored snapshot: the profile version it made, what changed since the launched version, warnings. */
export const SnapshotResult = z.object({
  profile: z.string(),
  version: z.number().int(),
  /** False when nothing changed (the launched version is the same). */
  created: z.boolean(),
  /** Human-readable changes against the version the instance was launched from. */
  changes: z.array(z.string()),
  warnings: z.array(z.string()),
  /** Models the agent must upload for the snapshot to be complete (none when the library holds them all). */
  uploads: z.array(SnapshotUpload).default([]),
});
export type SnapshotResult = z.infer<typeof SnapshotResult>;

/** Where one upload of a snapshot stands: in the library, still expected from the agent, or given up. */
export const SnapshotUploadStatus = z.enum(['available', 'pending', 'failed']);
export type SnapshotUploadStatus = z.infer<typeof SnapshotUploadStatus>;

/**
 * `GET /api/instances/:id/snapshots/latest`: the stored result, which command made it and when, and where
 * each model upload stands now. `complete` once no upload is pending.
 */
export const SnapshotStatus = SnapshotResult.extend({
  commandId: z.string().nullable(),
  createdAt: z.iso.datetime(),
  uploads: z.array(SnapshotUpload.extend({ status: SnapshotUploadStatus })),
  /** False while the agent still uploads models; true when every upload is available or failed. */
  complete: z.boolean(),
  /** The agent's last word on the command (e.g. why an upload failed); null until it acknowledged it. */
  agentMessage: z.string().nullable(),
});
export type SnapshotStatus = z.infer<typeof SnapshotStatus>;

/** `GET /api/instances/:id/snapshots`: newest first; empty until the agent reported. */
export const ListSnapshotsResponse = z.object({ snapshots: z.array(SnapshotStatus) });
export type ListSnapshotsResponse = z.infer<typeof ListSnapshotsResponse>;
