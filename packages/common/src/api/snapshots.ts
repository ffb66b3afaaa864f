import { z } from 'zod';
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

/** The stored snapshot: the profile version it made, what changed since the launched version, warnings. */
export const SnapshotResult = z.object({
  profile: z.string(),
  version: z.number().int(),
  /** False when nothing changed (the launched version is the same). */
  created: z.boolean(),
  /** Human-readable changes against the version the instance was launched from. */
  changes: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type SnapshotResult = z.infer<typeof SnapshotResult>;
