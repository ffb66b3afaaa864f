import type { ModelKind, ModelSummary } from '@podpilot/common';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { abortModelUpload, modelsQuery } from '../../api/models';
import { useBeforeUnload } from '../../hooks/useBeforeUnload';
import { pushModel } from './push-model';
import { isResumable, isRunning, progressTicker, type UploadPhase } from './upload-phase';

/**
 * A push from this computer into the library (`pushModel`) and where it stands. A failed push resumes where
 * it stopped; cancel abandons it (and gives the storage its space back).
 */
export function useModelUpload(onUploaded: (model: ModelSummary) => void) {
  const queryClient = useQueryClient();
  const [phase, setPhase] = useState<UploadPhase>({ step: 'idle' });
  const controller = useRef<AbortController | null>(null);
  const known = useRef<{ file: File; sha256: string } | null>(null);
  const running = isRunning(phase);

  // Leaving the page would drop the upload: ask first.
  useBeforeUnload(running);
  // Cancel a push still running when the page goes away.
  useEffect(() => () => controller.current?.abort(new DOMException('Left the page', 'AbortError')), []);

  async function run(file: File, name: string, kind: ModelKind) {
    const abort = new AbortController();
    controller.current = abort;
    const progress = progressTicker(file.size, setPhase);
    let started: string | null = null;
    const onUploadStarted = (sha256: string) => {
      started = sha256;
    };
    try {
      const ctx = { signal: abort.signal, progress, setPhase, known, onUploadStarted };
      const { model, existed } = await pushModel(file, { name, kind }, ctx);
      setPhase({ step: 'done', model, existed });
      onUploaded(model);
    } catch (error) {
      progress.stop();
      if (!abort.signal.aborted) setPhase({ step: 'failed', error });
      else {
        // Cancelled: give the storage its space back (the parts sent so far are dropped).
        if (started) await abortModelUpload(started).catch(() => {});
        setPhase({ step: 'cancelled' });
      }
    } finally {
      progress.stop();
      if (controller.current === abort) controller.current = null;
      void queryClient.invalidateQueries({ queryKey: modelsQuery.queryKey });
    }
  }

  return {
    phase,
    running,
    resumable: isResumable(phase),
    start: (file: File, name: string, kind: ModelKind) => void run(file, name, kind),
    cancel: () => controller.current?.abort(new DOMException('Cancelled', 'AbortError')),
    reset: () => setPhase({ step: 'idle' }),
  };
}
