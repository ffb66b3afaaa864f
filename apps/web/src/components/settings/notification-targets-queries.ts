import type { CreateNotificationTarget } from '@podpilot/common';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiCall } from '../../api/client';
import { endpoints } from '../../api/endpoints';

const api = endpoints.notifications;

/** The notification targets, URLs masked, with their last delivery and last error. */
export const notificationTargetsQuery = queryOptions({
  queryKey: ['notification-targets'],
  queryFn: async () => (await apiCall(api.list)).targets,
});

function useRefresh() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: notificationTargetsQuery.queryKey });
}

export function useAddNotificationTarget() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: CreateNotificationTarget) => apiCall(api.create, { body }),
    onSettled: refresh,
  });
}

export function useDeleteNotificationTarget() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async (id: string) => {
      await apiCall(api.remove, { params: { id } });
    },
    onSettled: refresh,
  });
}

/** "Send test": the delivery's outcome is the mutation's data; the list then shows it as the last delivery. */
export function useTestNotificationTarget() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: string) => apiCall(api.test, { params: { id } }),
    onSettled: refresh,
  });
}
