import type { OutputSummary } from '@podpilot/common';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { deleteOutputs, downloadOutputs, restoreOutputs } from '../../api/outputs';

/** What the last deletion did: how many went to the trash and until when they can come back. */
export interface Deleted {
  ids: string[];
  count: number;
  restoreUntil: string;
}

/** Which outputs of `list` are ticked. */
function useTicks(list: readonly OutputSummary[]) {
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
  const ids = () => list.filter((o) => selected.has(o.id)).map((o) => o.id);
  return { selected, toggle, toggleAll, clear, ids };
}

/** The outputs ticked in the gallery: download them (one file, or one zip), delete them, undo that. */
export function useOutputSelection(list: readonly OutputSummary[]) {
  const queryClient = useQueryClient();
  const { selected, toggle, toggleAll, clear, ids } = useTicks(list);

  const [busy, setBusy] = useState<'download' | 'delete' | 'restore' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [deleted, setDeleted] = useState<Deleted | null>(null);
  /** Runs one action on the selection: busy meanwhile, its error kept to show. */
  async function run(kind: 'download' | 'delete' | 'restore', action: () => Promise<void>) {
    setError(null);
    setBusy(kind);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['outputs'] });

  const downloadSelected = () => run('download', () => downloadOutputs(queryClient, ids()));
  const deleteSelected = () =>
    run('delete', async () => {
      const chosen = ids();
      const answer = await deleteOutputs(chosen);
      setDeleted({ ids: chosen, count: answer.deleted, restoreUntil: answer.restoreUntil });
      clear();
      await refresh();
    });
  const undoDelete = () =>
    run('restore', async () => {
      if (!deleted) return;
      await restoreOutputs(deleted.ids);
      setDeleted(null);
      await refresh();
    });

  return {
    selected,
    toggle,
    toggleAll,
    clear,
    busy,
    error,
    deleted,
    downloadSelected,
    deleteSelected,
    undoDelete,
  };
}

export type OutputSelection = ReturnType<typeof useOutputSelection>;
