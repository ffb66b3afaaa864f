import type { OutputSummary } from '@podpilot/common';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { downloadOutputs } from '../../api/outputs';

/** The outputs ticked in the gallery, and downloading them one file after another. */
export function useOutputSelection(list: readonly OutputSummary[]) {
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback(
    (id: string) =>
      setSelected((current) => {
        const next = new Set(current);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const toggleAll = () =>
    setSelected((current) => (current.size === list.length ? new Set() : new Set(list.map((o) => o.id))));
  const clear = () => setSelected(new Set());

  const [download, setDownload] = useState<{ done: number; total: number } | null>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  async function downloadSelected() {
    const ids = list.filter((o) => selected.has(o.id)).map((o) => o.id);
    setDownloadError(null);
    setDownload({ done: 0, total: ids.length });
    try {
      await downloadOutputs(queryClient, ids, (done) => setDownload({ done, total: ids.length }));
      setSelected(new Set());
    } catch (error) {
      setDownloadError(error);
    } finally {
      setDownload(null);
    }
  }

  return { selected, toggle, toggleAll, clear, download, downloadError, downloadSelected };
}

export type OutputSelection = ReturnType<typeof useOutputSelection>;
