import * as z from 'zod';
import { AnySecretName } from '../launch.js';
import { Sha256 } from '../models.js';
import { ProfileName } from '../profiles.js';

export { InstanceIdParams, OutputIdParams, TokenIdParams } from './id-params.js';
/** `:name` of a profile. */
export const ProfileNameParams = z.object({ name: ProfileName });
/** `:name` of a stored credential. */
export const SecretNameParams = z.object({ name: AnySecretName });
/** `:sha256` of a model. */
export const ModelShaParams = z.object({ sha256: Sha256 });
/** The rest of the path after `/api/files/`: the file's path under `files/`. */
export const FilePathParams = z.object({ '*': z.string() });

const VERSION_EXPECTED = 'expected a version number (1, 2, …)';
/** A profile version in a query (`?version=3`). */
export const VersionNumber = z.coerce
  .number({ message: VERSION_EXPECTED })
  .int(VERSION_EXPECTED)
  .min(1, VERSION_EXPECTED);
/** `?version=N` of a profile (the latest when left out). */
export const ProfileVersionQuery = z.object({ version: VersionNumber.optional() });
/** `?from=A&to=B` of a profile diff. */
export const ProfileDiffQuery = z.object({ from: VersionNumber, to: VersionNumber });

// An instance's events and log lines: their queries are in ../logs.ts.

const CommandId = z.uuid({ message: 'expected a command id (UUID)' });
/** `?commandId=` of the latest snapshot. */
export const LatestSnapshotQuery = z.object({ commandId: CommandId.optional() });
/** `?commandId=&limit=` of the stored snapshots. */
export const ListSnapshotsQuery = z.object({
  commandId: CommandId.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
/** The answer to a snapshot request: the queued command's id. */
export const SnapshotQueuedResponse = z.object({ commandId: z.string() });
export type SnapshotQueuedResponse = z.infer<typeof SnapshotQueuedResponse>;
