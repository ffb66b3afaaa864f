import * as z from 'zod';
import { AgentCommandKind } from '../agent/command-kind.js';
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

/**
 * The provider's own account of the rental, as its API last reported it: `phase` is its status word (Vast.ai
 * `actual_status`, e.g. `created`, `loading`, `running`; Runpod `status`, e.g. `STARTING`), `message` its
 * explanation when it gives one (Vast.ai `status_msg`, e.g. an image pull's progress), `at` when either last
 * changed.
 */
export const ProviderStatusView = z.object({
  phase: z.string(),
  message: z.string().nullable(),
  at: z.iso.datetime(),
});
export type ProviderStatusView = z.infer<typeof ProviderStatusView>;

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
  // Defaults below: answers of hubs older than provider facts.
  /** What the provider last said of the rental; null before it said anything (or for the local provider). */
  providerStatus: ProviderStatusView.nullable().default(null),
  /**
   * While launching (or booting without a word from the agent): when the launch, boot or register deadline
   * stops or fails the instance unless it gets further; null otherwise.
   */
  bootDeadlineAt: z.iso.datetime().nullable().default(null),
  /** The rental's public IP address as the provider reports it; null until it does (or never, e.g. local). */
  publicAddress: z.string().nullable().default(null),
  /**
   * The provider bills the GPU now: from when it reported the rental running until the stop. What the
   * dashboard's "Burning $/h" adds up, and when the instance's `costUsd` grows by `pricePerHour`.
   */
  gpuBilled: z.boolean().default(false),
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

// Log lines and the logs/events queries live in logs.ts; re-exported so earlier imports keep working.
export { InstanceLogLine, ListInstanceLogsResponse } from './logs.js';

export const CreateCommandRequest = z.object({
  kind: z.enum(AgentCommandKind.options, {
    message: `expected one of ${AgentCommandKind.options.join(', ')}`,
  }),
  args: z.record(z.string(), z.unknown()).optional(),
});
export const CreateCommandResponse = z.object({ id: z.string() });
