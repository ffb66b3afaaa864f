import type { ModelKind, ModelSummary } from '@podpilot/common';
import { completeModelUpload, presignModelParts, putPart, startModelUpload } from '../../api/models';
import { stem } from '../../lib/models';
import { type MultipartPlan, uploadParts } from '../../lib/upload-parts';
import { hashFile } from './hash-file';
import type { ProgressTicker, UploadPhase } from './upload-phase';

const PARALLEL_PARTS = 4;

export interface PushContext {
  signal: AbortSignal;
  progress: ProgressTicker;
  setPhase: (phase: UploadPhase) => void;
  /** The sha256 of the last file hashed, so "Try again" resumes without reading it all again. */
  known: { current: { file: File; sha256: string } | null };
  /** The hub started a multipart upload (a cancel must abort it). */
  onUploadStarted: (sha256: string) => void;
}

/**
 * Pushes a file from this computer into the library, like `podpilot models push`: hash it here (read in
 * slices, never whole), ask the hub (which may already have it), PUT the missing parts straight to storage
 * a few at a time with retries, then complete.
 */
export async function pushModel(
  file: File,
  details: { name: string; kind: ModelKind },
  ctx: PushContext,
): Promise<{ model: ModelSummary; existed: boolean }> {
  ctx.progress.start('hashing');
  const sha256 = await hashOnce(file, ctx);
  ctx.progress.stop();
  ctx.setPhase({ step: 'starting' });
  const start = await startModelUpload({
    sha256,
    sizeBytes: file.size,
    name: details.name.trim() || stem(file.name),
    kind: details.kind,
    fileName: file.name,
  });
  ctx.signal.throwIfAborted();
  if (start.status === 'exists') return { model: start.model, existed: true };
  // The page sends parts (resumable, in parallel); it never asks for a single PUT.
  if (start.status === 'put')
    throw new Error('the hub planned a single PUT, which this page did not ask for');
  ctx.onUploadStarted(sha256);
  return { model: await sendParts(file, start, sha256, ctx), existed: false };
}

async function hashOnce(file: File, { known, progress, signal }: PushContext): Promise<string> {
  if (known.current?.file === file) return known.current.sha256;
  progress.track(0);
  progress.tick();
  const sha256 = await hashFile(file, progress.track, signal);
  known.current = { file, sha256 };
  return sha256;
}

async function sendParts(
  file: File,
  plan: MultipartPlan,
  sha256: string,
  { known, progress, signal, setPhase }: PushContext,
): Promise<ModelSummary> {
  progress.start('uploading');
  const parts = await uploadParts({
    file,
    plan,
    presign: (partNumbers) => presignModelParts(sha256, partNumbers),
    put: putPart,
    parallel: PARALLEL_PARTS,
    signal,
    onProgress: progress.track,
  });
  progress.stop();
  setPhase({ step: 'completing' });
  const model = await completeModelUpload(sha256, parts);
  known.current = null;
  return model;
}
