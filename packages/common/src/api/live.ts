import * as z from 'zod';
import { AgentPhase, ProvisioningItem, WebuiState } from '../agent/protocol.js';
import { ActivityView } from './idle.js';
import { InstanceSummary } from './instances.js';
import { InstanceLogLine } from './logs.js';
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
 * `GET /api/live?instance=<id>&after=<log line id>`: with `instance`, the stream also carries that instance's
 * log lines (`logs` events): every line after `after` (default 0: from the first), then each new one. A
 * browser's reconnect resumes after the last line it got (each `logs` message's SSE `id:` is its last line's
 * id, sent back as `Last-Event-ID`, which wins over `after`).
 */
export const LiveStreamQuery = z.object({
  instance: z.string().min(1, 'expected an instance id').max(100, 'expected an instance id').optional(),
  after: z.coerce
    .number({ message: 'expected a log line id (0, 1, …)' })
    .int('expected a log line id (0, 1, …)')
    .nonnegative('expected a log line id (0, 1, …)')
    .optional(),
});
export type LiveStreamQuery = z.infer<typeof LiveStreamQuery>;

/**
 * Server-Sent Events of `GET /api/live` (each `data:` is one JSON object):
 * - `instances`: every instance, sent once on connect (and after a reconnect);
 * - `instance`: one instance that changed or appeared;
 * - `removed`: an instance that is gone;
 * - `logs`: new log lines of the instance named by `?instance=` (oldest first; only on such a stream).
 */
export const LiveEventName = z.enum(['instances', 'instance', 'removed', 'logs']);
export type LiveEventName = z.infer<typeof LiveEventName>;
export const LiveInstancesEvent = ListLiveInstancesResponse;
export const LiveInstanceEvent = LiveInstance;
export const LiveRemovedEvent = z.object({ id: z.string() });
export type LiveRemovedEvent = z.infer<typeof LiveRemovedEvent>;
/** A batch of log lines of one instance, in id order (a reconnect's backlog comes as several batches). */
export const LiveLogsEvent = z.object({ instanceId: z.string(), lines: z.array(InstanceLogLine) });
export type LiveLogsEvent = z.infer<typeof LiveLogsEvent>;

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
