import { ListInstancesResponse } from '@podpilot/common';
import { queryOptions } from '@tanstack/react-query';
import { api } from './client';

export const instancesQuery = queryOptions({
  queryKey: ['instances'],
  queryFn: () => api('/api/instances', { schema: ListInstancesResponse }),
  refetchInterval: 15_000,
});
