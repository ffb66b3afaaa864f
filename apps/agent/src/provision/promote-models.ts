import { uploadFileParts } from '@podpilot/common/node';
import type { HubConnection } from '../hub/hub-connection.js';

export interface Promotable {
  name: string;
  sha256: string;
  /** The verified file in the cache. */
  path: string;
  sizeBytes: number;
}

export type PromotionOutcome =
  | { name: string; sha256: string; status: 'promoted' | 'exists'; sentBytes: number }
  | { name: string; sha256: string; status: 'failed'; error: string };

/** Bytes in flight per promotion (4 parts): uploads run while the WebUI starts, so they stay modest. */
const PARALLEL_PARTS = 4;

/**
 * Puts models this instance fetched from their own URL (and verified) into the library through presigned
 * URLs from the hub, one model at a time, so the next instance downloads them from storage. Best effort: a
 * failure is returned (and reported by the caller), never thrown — the instance works without it. A
 * promotion interrupted by a restart resumes: the hub remembers the upload and lists the stored parts.
 */
export async function promoteModels(
  hub: HubConnection,
  models: Promotable[],
  signal?: AbortSignal,
): Promise<PromotionOutcome[]> {
  const outcomes: PromotionOutcome[] = [];
  for (const model of models) {
    const { name, sha256 } = model;
    try {
      const plan = await hub.startPromotion(sha256, model.sizeBytes, signal);
      if (plan.status === 'exists') {
        outcomes.push({ name, sha256, status: 'exists', sentBytes: 0 });
        continue;
      }
      const { parts, sentParts } = await uploadFileParts({
        path: model.path,
        size: model.sizeBytes,
        plan,
        presign: (partNumbers) => hub.promotionParts(sha256, partNumbers, signal),
        parallel: PARALLEL_PARTS,
        signal,
      });
      await hub.completePromotion(sha256, parts, signal);
      const sentBytes = sentParts.reduce(
        (sum, n) => sum + Math.min(plan.partSize, model.sizeBytes - (n - 1) * plan.partSize),
        0,
      );
      outcomes.push({ name, sha256, status: 'promoted', sentBytes });
    } catch (error) {
      if (signal?.aborted) throw error;
      outcomes.push({ name, sha256, status: 'failed', error: (error as Error).message });
    }
  }
  return outcomes;
}
