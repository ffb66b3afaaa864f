import type { Budgets, CostsResponse } from '@podpilot/common';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiCall } from './client';
import { endpoints } from './endpoints';

/** Spend of one UTC month (`YYYY-MM`) with the budget's state. The current month keeps accruing: refresh it. */
export const costsQuery = (month: string, live: boolean) =>
  queryOptions({
    queryKey: ['costs', month],
    queryFn: () => apiCall(endpoints.costs.month, { query: { month } }),
    // Running instances add cents every minute; a past month is settled and needs no refresh.
    refetchInterval: live ? 60_000 : false,
    staleTime: live ? 15_000 : 5 * 60_000,
  });

export function useSetBudgets() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Budgets) => apiCall(endpoints.costs.setBudget, { body }),
    onSuccess: (status) => {
      // Every cached month shows the same budget: update them all, then refetch for the state.
      queryClient.setQueriesData<CostsResponse>({ queryKey: ['costs'] }, (old) =>
        old
          ? {
              ...old,
              budget: old.month === status.month ? status : { ...old.budget, budgets: status.budgets },
            }
          : old,
      );
      void queryClient.invalidateQueries({ queryKey: ['costs'] });
    },
  });
}
