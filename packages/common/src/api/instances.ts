import { z } from 'zod';

/** The instance lifecycle, in order; `failed` can follow any state. See docs/architecture.md. */
export const InstanceState = z.enum([
  'requested',
  'launching',
  'booting',
  'provisioning',
  'ready',
  'idle',
  'stopping',
  'stopped',
  'destroyed',
  'failed',
]);
export type InstanceState = z.infer<typeof InstanceState>;

export const InstanceSummary = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  providerInstanceId: z.string().nullable(),
  state: InstanceState,
  stateReason: z.string().nullable(),
  gpuName: z.string().nullable(),
  gpuCount: z.number().int().nullable(),
  pricePerHour: z.number().nullable(),
  createdAt: z.iso.datetime(),
  stateChangedAt: z.iso.datetime(),
});
export type InstanceSummary = z.infer<typeof InstanceSummary>;

export const ListInstancesResponse = z.object({ instances: z.array(InstanceSummary) });
export type ListInstancesResponse = z.infer<typeof ListInstancesResponse>;
