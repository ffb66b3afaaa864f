import * as z from 'zod';
import { Profile } from '../profile/profile.schema.js';
import { ProfileChange } from '../profile/profile-diff.js';
import { ErrorIssue } from './errors.js';

export const ProfileName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,62}$/,
    'expected a profile name: lowercase letters, digits, ".", "_" or "-", at most 63',
  );

/** `PUT /api/profiles/:name` as JSON; the body may also be the YAML itself (`content-type: application/yaml`). */
export const ApplyProfileRequest = z.object({ yaml: z.string().min(1, 'expected the profile YAML') });
export type ApplyProfileRequest = z.infer<typeof ApplyProfileRequest>;

export const ApplyProfileResponse = z.object({
  name: z.string(),
  version: z.number().int(),
  /** False when the content equals the latest version: no new version was made. */
  created: z.boolean(),
  warnings: z.array(ErrorIssue),
});
export type ApplyProfileResponse = z.infer<typeof ApplyProfileResponse>;

export const ProfileVersionOrigin = z.enum(['user', 'snapshot', 'import']);

export const ProfileVersionSummary = z.object({
  version: z.number().int(),
  origin: ProfileVersionOrigin,
  contentSha256: z.string(),
  snapshotOfInstanceId: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type ProfileVersionSummary = z.infer<typeof ProfileVersionSummary>;

export const ProfileSummary = z.object({
  name: z.string(),
  description: z.string().nullable(),
  latestVersion: z.number().int(),
  versionCount: z.number().int(),
  uiKind: z.string(),
  updatedAt: z.iso.datetime(),
});
export type ProfileSummary = z.infer<typeof ProfileSummary>;

export const ListProfilesResponse = z.object({ profiles: z.array(ProfileSummary) });
export type ListProfilesResponse = z.infer<typeof ListProfilesResponse>;

/** One version in full: the validated spec and its canonical YAML (byte-stable export). */
export const ProfileVersionDetail = ProfileVersionSummary.extend({
  name: z.string(),
  spec: Profile,
  yaml: z.string(),
  latestVersion: z.number().int(),
});
export type ProfileVersionDetail = z.infer<typeof ProfileVersionDetail>;

export const ListProfileVersionsResponse = z.object({
  name: z.string(),
  versions: z.array(ProfileVersionSummary),
});
export type ListProfileVersionsResponse = z.infer<typeof ListProfileVersionsResponse>;

export const ProfileDiffResponse = z.object({
  name: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  changes: z.array(ProfileChange),
  /** Unified diff of the two canonical YAMLs; empty when equal. */
  unified: z.string(),
});
export type ProfileDiffResponse = z.infer<typeof ProfileDiffResponse>;
