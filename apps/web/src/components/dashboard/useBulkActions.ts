import { errorMessage } from '@podpilot/common';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiCall } from '../../api/client';
import { endpoints } from '../../api/endpoints';

export type BulkKind = 'stop' | 'destroy';

/** What a bulk action did: how many it changed and, per instance that refused, why. */
export interface BulkResult {
  kind: BulkKind;
  done: number;
  failures: { name: string; message: string }[];
}

/** The dashboard's selection of cards and the stop/destroy it runs on them, one call per instance. */
export function useBulkActions() {
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState<BulkKind | null>(null);
  const toggle = (id: string, on: boolean) =>
    setSelected((old) => {
      const next = new Set(old);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const run = useMutation({
    mutationFn: async ({ kind, targets }: { kind: BulkKind; targets: { id: string; name: string }[] }) => {
      const settled = await Promise.allSettled(
        targets.map((t) => apiCall(endpoints.instances[kind], { params: { id: t.id } })),
      );
      const failures = settled.flatMap((s, i) =>
        s.status === 'rejected' ? [{ name: targets[i]?.name ?? '', message: errorMessage(s.reason) }] : [],
      );
      return { kind, done: settled.length - failures.length, failures } satisfies BulkResult;
    },
    onSuccess: () => {
      setConfirming(null);
      setSelected(new Set());
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['instances'] }),
  });
  return { selected, toggle, clear: () => setSelected(new Set()), confirming, setConfirming, run };
}

export type BulkActions = ReturnType<typeof useBulkActions>;
