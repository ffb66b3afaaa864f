import { z } from 'zod';
import { AgentPhase, ProvisioningItem, WebuiState } from '../agent/protocol.js';
import { ActivityView } from './idle.js';
import { InstanceSummary } from './instances.js';
import { SyncStatus } from './outputs.js';

const Timestamp = z.iso.datetime({ message: 'expected an ISO-8601 time with a Z offset' });

/** Download progress of provisioning, from the agent's last heartbeat. */
export const LiveProvisioning = z.object({
  doneBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative().nullable(),
  bytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** Each item (UI, extension, model, file) and its own progress. */
  items: z.array(ProvisioningItem).default([]),
});
export type LiveProvisioning = z.infer<typeof LiveProvisioning>;

/** The WebUI as the agent supervises it (last heartbeat). */
export const LiveWebui = z.object({
  state: WebuiState,
  port: z.number().int().nullable(),
  restarts: z.number().int().nonnegative(),
});
export type LiveWebui = z.infer<typeof LiveWebui>;

/**
 * One instance as the live feed (`GET /api/live`) and `GET /api/live/instances` show it: the summary plus
 * what its agent last reported (idle judgement, output sync, phase, provisioning progress).
 */
export const LiveInstance = InstanceSummary.extend({
  activity: ActivityView.nullable(),
  sync: SyncStatus.nullable(),
  phase: AgentPhase.nullable(),
  provisioning: LiveProvisioning.nullable(),
  webui: LiveWebui.nullable(),
  lastHeartbeatAt: Timestamp.nullable(),
});
export type LiveInstance = z.infer<typeof LiveInstance>;

export const ListLiveInstancesResponse = z.object({ instances: z.array(LiveInstance) });
export type ListLiveInstancesResponse = z.infer<typeof ListLiveInstancesResponse>;

/**
 * Server-Sent Events of `GET /api/live` (each `data:` is one JSON object):
 * - `instances`: every instance, sent once on connect (and after a reconnect);
 * - `instance`: one instance that changed or appeared;
 * - `removed`: an instance that is gone.
 */
export const LiveEventName = z.enum(['instances', 'instance', 'removed']);
export type LiveEventName = z.infer<typeof LiveEventName>;
export const LiveInstancesEvent = ListLiveInstancesResponse;
export const LiveInstanceEvent = LiveInstance;
export const LiveRemovedEvent = z.object({ id: z.string() });
export type LiveRemovedEvent = z.infer<typeof LiveRemovedEvent>;

/** One minute of an instance's activity: the busiest GPU's utilisation and the VRAM of all GPUs. */
export const ActivitySample = z.object({
  at: Timestamp,
  gpuPercent: z.number().nullable(),
  vramUsedMiB: z.number().nullable(),
  vramTotalMiB: z.number().nullable(),
  /** A signal of the present showed work (GPU, WebUI job, CPU). */
  busy: z.boolean().nullable(),
});
export type ActivitySample = z.infer<typeof ActivitySample>;

/** `GET /api/instances/:id/activity?since=ISO`: samples oldest first (default: the last 24 hours). */
export const ActivitySamplesQuery = z.object({ since: Timestamp.optional() });
export const ListActivitySamplesResponse = z.object({ samples: z.array(ActivitySample) });
export type ListActivitySamplesResponse = z.infer<typeof ListActivitySamplesResponse>;
