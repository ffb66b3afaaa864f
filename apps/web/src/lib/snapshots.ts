import { CreateSnapshotRequest, type SnapshotUploadStatus } from '@podpilot/common';

export const PROFILE_NAME_MAX = 63;

/**
 * Why `value` cannot name the profile to store a snapshot in, or undefined when it can. Empty (after trimming)
 * is fine: the snapshot goes into the instance's own profile.
 */
export function snapshotProfileError(value: string): string | undefined {
  const name = value.trim();
  // The shared schema decides; the lines below only say why in the user's words.
  if (!name || CreateSnapshotRequest.safeParse({ as: name }).success) return undefined;
  if (name.length > PROFILE_NAME_MAX)
    return `At most ${PROFILE_NAME_MAX} characters (this has ${name.length}).`;
  if (/[^a-z0-9-]/.test(name)) return 'Use only lowercase letters, digits and dashes.';
  return 'Start with a lowercase letter or a digit, not a dash.';
}

/** The body of `POST /api/instances/:id/snapshot`: `{}` for the instance's own profile. */
export function snapshotBody(value: string): CreateSnapshotRequest {
  const name = value.trim();
  return name ? { as: name } : {};
}

/** Each upload status in words, so it never rests on colour alone. */
export const UPLOAD_STATUS_LABELS: Record<SnapshotUploadStatus, string> = {
  available: 'Available',
  pending: 'Uploading…',
  failed: 'Failed',
};
