import type { OutputSummary } from '@podpilot/common';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useCallback, useEffect, useRef } from 'react';
import { outputQuery } from '../../api/outputs';

/**
 * The gallery's full view of one output (`?view=<id>`): opening it adds a history entry, so Back closes it;
 * paging through outputs replaces it; closing puts the keyboard back on the last output seen. The output
 * comes from the loaded list, or is fetched on its own for a shared link.
 */
export function useOutputView(view: string | undefined, list: readonly OutputSummary[]) {
  const navigate = useNavigate({ from: '/outputs' });
  const pushedView = useRef(false);
  const open = useCallback(
    (id: string) => {
      pushedView.current = true;
      void navigate({ search: (prev) => ({ ...prev, view: id }) });
    },
    [navigate],
  );
  const lastViewed = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (view) {
      lastViewed.current = view;
      return;
    }
    pushedView.current = false;
    const id = lastViewed.current;
    lastViewed.current = undefined;
    if (id) document.querySelector<HTMLElement>(`[data-output="${CSS.escape(id)}"]`)?.focus();
  }, [view]);
  const step = (id: string) => void navigate({ search: (prev) => ({ ...prev, view: id }), replace: true });
  const close = () => {
    if (pushedView.current) {
      pushedView.current = false;
      window.history.back();
    } else {
      void navigate({ search: (prev) => ({ ...prev, view: undefined }), replace: true });
    }
  };

  const index = view ? list.findIndex((o) => o.id === view) : -1;
  const fromList = index >= 0 ? list[index] : undefined;
  const single = useQuery({ ...outputQuery(view ?? ''), enabled: !!view && !fromList });
  const previous = index > 0 ? list[index - 1] : undefined;
  const next = index >= 0 && index < list.length - 1 ? list[index + 1] : undefined;
  const dialog = {
    output: fromList ?? single.data ?? null,
    loading: single.isPending && !fromList,
    error: fromList ? null : single.error,
    onRetry: () => void single.refetch(),
    onClose: close,
    onPrevious: previous ? () => step(previous.id) : undefined,
    onNext: next ? () => step(next.id) : undefined,
  };
  return { open, dialog };
}
