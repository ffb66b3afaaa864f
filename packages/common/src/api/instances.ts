import { z } from 'zod';
import { AgentCommandKind } from '../agent/protocol.js';
import { ActivityView } from './idle.js';
import { InstanceState, StopReason } from './instance-states.js';

/**
 * The way into an instance's WebUI. `tailnet`: at its tailnet name, no public port (`ssh` is the Tailscale
 * SSH command); `public`: the provider's public address, fronted by the agent's authenticating proxy (open
 * it through `POST /api/instances/:id/webui-link`, never `url` directly); `local`: on the hub's machine.
 * `url` is null while the address is not known yet (the provider has not mapped the port).
 */
export const WebuiAccess = z.object({
  kind: z.enum(['tailnet', 'public', 'local']),
  url: z.string().nullable(),
  ssh: z.string().nullable(),
});
export type WebuiAccess = z.infer<typeof WebuiAccess>;

export const InstanceSummary = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  providerInstanceId: z.string().nullable(),
  state: InstanceState,
  stateReason: z.string().nullable(),
  /** Who or what stopped it (the badge text beside `stopped`); null when not stopped. */
  stopReason: StopReason.nullable().default(null), // default: answers of hubs older than stop reasons
  gpuName: z.string().nullable(),
  gpuCount: z.number().int().nullable(),
  pricePerHour: z.number().nullable(),
  /** Dollars accrued over the instance's whole life (GPU while rented, storage where priced). */
  costUsd: z.number().nonnegative().default(0), // default: answers of hubs older than cost accounting
  createdAt: z.iso.datetime(),
  stateChangedAt: z.iso.datetime(),
  /** The way into the WebUI while its container runs; null otherwise. */
  access: WebuiAccess.nullable().default(null), // default: answers of hubs older than access
});
export type InstanceSummary = z.infer<typeof InstanceSummary>;

export const ListInstancesResponse = z.object({ instances: z.array(InstanceSummary) });
export type ListInstancesResponse = z.infer<typeof ListInstancesResponse>;

/** One instance with what its agent last reported. `agent.facts` is the latest heartbeat as sent. */
export const InstanceDetail = InstanceSummary.extend({
  profile: z.object({ name: z.string(), version: z.number().int() }).nullable(),
  agent: z
    .object({
      version: z.string().nullable(),
      lastHeartbeatAt: z.iso.datetime().nullable(),
      facts: z.record(z.string(), z.unknown()).nullable(),
    })
    .nullable(),
  /** Busy or idle and why, and when the idle action is due; null before the agent reports activity. */
  activity: ActivityView.nullable().default(null),
});
export type InstanceDetail = z.infer<typeof InstanceDetail>;

export const InstanceEvent = z.object({
  id: z.number().int(),
  source: z.enum(['hub', 'agent']),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  kind: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  at: z.iso.datetime(),
});
export const ListInstanceEventsResponse = z.object({ events: z.array(InstanceEvent) });

export const InstanceLogLine = z.object({
  id: z.number().int(),
  stream: z.enum(['agent', 'webui']),
  at: z.iso.datetime(),
  line: z.string(),
});
/** Pass the last `id` back as `after` to follow the log. */
export const ListInstanceLogsResponse = z.object({ lines: z.array(InstanceLogLine) });

export const CreateCommandRequest = z.object({
  kind: z.enum(AgentCommandKind.options, {
    message: `expected one of ${AgentCommandKind.options.join(', ')}`,
  }),
  args: z.record(z.string(), z.unknown()).optional(),
});
export const CreateCommandResponse = z.object({ id: z.string() });
