import * as z from 'zod';
import { LogLevel, LogSource } from '../api/logs.js';
import { ModelUploadPlan, Sha256 } from '../api/models.js';
import { SyncStatus } from '../api/outputs.js';
import { Profile } from '../profile/profile.schema.js';
import { PODPILOT_VERSION } from '../version.js';
import { ActivityFacts } from './activity.js';
import type { AgentCommandKind } from './command-kind.js';

/** Path prefix of every agent route on the hub. */
export const AGENT_API_PREFIX = '/agent/v1';

/**
 * The version of the JSON hub and agent exchange under /agent/v1. Agents send it at registration and with each
 * heartbeat; a hub refuses any other (409 naming both). Agents of releases before it send none: version 1.
 * Bump it (and the path) only with a change on the wire.
 */
export const AGENT_PROTOCOL_VERSION = 1;

/** Who the agent is, in every registration and heartbeat. */
export const AGENT_SPEAKS = {
  agentVersion: PODPILOT_VERSION,
  protocolVersion: AGENT_PROTOCOL_VERSION,
} as const;

/** Absent: an agent older than the field, which speaks version 1. */
const ProtocolVersion = z.number().int().positive().max(1_000_000).optional();

const Timestamp = z.iso.datetime({ message: 'expected an ISO-8601 time with a Z offset' });

/** `POST /agent/v1/register`: trade the one-time bootstrap token of a launch for an agent token. */
export const RegisterRequest = z.object({
  bootstrapToken: z.string().min(1, 'expected the bootstrap token from the launch'),
  agentVersion: z.string().min(1).max(50),
  protocolVersion: ProtocolVersion,
  hostname: z.string().max(255).optional(),
  /** What the provider says about this container, e.g. `{kind: 'vastai', instanceId: '123'}`. */
  provider: z.object({ kind: z.string().max(50), instanceId: z.string().max(200).optional() }).optional(),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const RegisterResponse = z.object({
  instanceId: z.string(),
  /** Scoped to this one instance; sent as `Authorization: Bearer` on every other agent call. */
  agentToken: z.string(),
  profile: z.object({ name: z.string(), version: z.number().int(), spec: Profile }).nullable(),
  heartbeatIntervalSeconds: z.number().int().positive(),
  /**
   * base64 of the instance's 32-byte HMAC-SHA256 key for the one-time WebUI links the hub signs (the agent's
   * WebUI proxy checks them); kept with the agent token. Absent from hubs that predate it.
   */
  webuiLinkKey: z.string().optional(),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

export const ProvisioningItem = z.object({
  kind: z.enum(['ui', 'extension', 'model', 'file']),
  name: z.string(),
  status: z.enum(['pending', 'running', 'done', 'failed']),
  doneBytes: z.number().nonnegative().optional(),
  totalBytes: z.number().nonnegative().nullable().optional(),
  bytesPerSecond: z.number().nonnegative().optional(),
  etaSeconds: z.number().nonnegative().nullable().optional(),
  error: z.string().optional(),
});
export type ProvisioningItem = z.infer<typeof ProvisioningItem>;

/** Where the agent is in its job. */
export const AgentPhase = z.enum(['registering', 'provisioning', 'starting', 'ready', 'stopping', 'failed']);
export type AgentPhase = z.infer<typeof AgentPhase>;

/** The WebUI process as the agent's supervisor sees it. */
export const WebuiState = z.enum(['not-started', 'starting', 'running', 'crashed', 'stopped']);
export type WebuiState = z.infer<typeof WebuiState>;

/** Facts, not decisions: the hub decides what they mean (idle, failed, …). */
export const HeartbeatRequest = z.object({
  agentVersion: z.string().min(1).max(50),
  protocolVersion: ProtocolVersion,
  sentAt: Timestamp,
  phase: AgentPhase,
  provisioning: z
    .object({
      doneBytes: z.number().nonnegative(),
      totalBytes: z.number().nonnegative().nullable(),
      bytesPerSecond: z.number().nonnegative(),
      etaSeconds: z.number().nonnegative().nullable().optional(),
      items: z.array(ProvisioningItem).max(1000),
    })
    .optional(),
  webui: z
    .object({
      state: WebuiState,
      port: z.number().int().min(1).max(65535).optional(),
      restarts: z.number().int().nonnegative(),
    })
    .optional(),
  diskFreeBytes: z.number().nonnegative().nullable().optional(),
  /** Output sync: backlog and totals (absent before the sync engine starts). */
  sync: SyncStatus.optional(),
  /** What shows work (GPU, WebUI job, outputs, requests); absent until the WebUI runs. */
  activity: ActivityFacts.optional(),
  /** Results of commands the agent finished since the last heartbeat. */
  acknowledged: z
    .array(z.object({ id: z.uuid(), ok: z.boolean(), message: z.string().max(2000).optional() }))
    .default([]),
});
/** What the agent sends (`acknowledged` may be left out). */
export type HeartbeatRequest = z.input<typeof HeartbeatRequest>;
/** What the hub reads after validation. */
export type HeartbeatReport = z.output<typeof HeartbeatRequest>;

export { AgentCommandKind } from './command-kind.js';

/**
 * A field read when it has the expected type and read as absent otherwise: rows stored by older hubs (or sent
 * by owners through `POST /api/instances/:id/commands`) never make a heartbeat reply unreadable.
 */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** Arguments of a kind that takes none: `null` or `{}` (extra keys are dropped). */
const NoArgs = z.object({}).nullable().catch(null);

/**
 * Each command kind's arguments, as agents read them. Unknown keys are dropped (not refused), so a newer hub
 * may add arguments without breaking agents in built images.
 */
export const AGENT_COMMAND_ARGS = {
  'sync-now': z
    .object({
      /** The hub's final sync before a stop or destroy (`{final: true}`). */
      final: lenient(z.boolean()),
      /** How long the sync may take; the agent's default when absent (coerced like `Number()`). */
      timeoutSeconds: lenient(z.coerce.number().positive()),
    })
    .nullable()
    .catch(null),
  snapshot: z
    .object({
      /** The profile that receives the version; the launched one when absent. */
      as: lenient(z.string()),
    })
    .nullable()
    .catch(null),
  'stop-webui': NoArgs,
  shutdown: NoArgs,
} as const satisfies Record<AgentCommandKind, z.ZodType>;

const commandOf = <K extends AgentCommandKind>(kind: K) =>
  z.object({ id: z.uuid(), kind: z.literal(kind), args: AGENT_COMMAND_ARGS[kind], createdAt: Timestamp });

/**
 * A command in a heartbeat reply: discriminated on `kind`, with that kind's typed `args`. A new kind goes in
 * {@link AgentCommandKind}, {@link AGENT_COMMAND_ARGS} and here, and gets its handler in the agent's
 * `runtime/commands.ts`.
 */
export const AgentCommand = z.discriminatedUnion('kind', [
  commandOf('sync-now'),
  commandOf('snapshot'),
  commandOf('stop-webui'),
  commandOf('shutdown'),
]);
export type AgentCommand = z.infer<typeof AgentCommand>;
/** The command of one kind. */
export type AgentCommandOf<K extends AgentCommandKind> = Extract<AgentCommand, { kind: K }>;
/** The arguments of one kind (`null` when none were given). */
export type AgentCommandArgs<K extends AgentCommandKind> = AgentCommandOf<K>['args'];

/** Reads untyped arguments (an owner's request) as `kind`'s; never throws (see {@link AGENT_COMMAND_ARGS}). */
export function agentCommandArgs<K extends AgentCommandKind>(kind: K, args: unknown): AgentCommandArgs<K> {
  return AGENT_COMMAND_ARGS[kind].parse(args) as AgentCommandArgs<K>;
}

export const HeartbeatResponse = z.object({
  /** Pending commands; repeated in every reply until acknowledged (the agent must be idempotent per id). */
  commands: z.array(AgentCommand),
  serverTime: Timestamp,
  /**
   * The idle policy in force for this instance, for the agent's dead-man switch (the hub decides while it is
   * reachable). Absent from hubs that predate it.
   */
  idle: z
    .object({
      minutes: z.number().int().positive(),
      /** The owner turned idle stopping off for this instance. */
      disabled: z.boolean(),
      keepAwakeUntil: Timestamp.nullable(),
    })
    .optional(),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

export const AgentEvent = z.object({
  /** Chosen by the agent: resending an event it is unsure about is harmless. */
  id: z.uuid(),
  at: Timestamp,
  level: z.enum(['debug', 'info', 'warn', 'error']),
  kind: z.string().min(1).max(100),
  message: z.string().max(4000),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type AgentEvent = z.infer<typeof AgentEvent>;

export const EventsRequest = z.object({ events: z.array(AgentEvent).min(1).max(500) });
export type EventsRequest = z.infer<typeof EventsRequest>;

export const LogLine = z.object({
  at: Timestamp,
  stream: LogSource,
  line: z.string().max(8000),
  /** The agent's own lines only (WebUI lines carry none); absent from agents older than levels. */
  level: LogLevel.optional(),
});
export type LogLine = z.infer<typeof LogLine>;

export const LogsRequest = z.object({ lines: z.array(LogLine).min(1).max(2000) });
export type LogsRequest = z.infer<typeof LogsRequest>;

/** Answer of `events` and `logs`: how many were new (duplicates are accepted and ignored). */
export const AcceptedResponse = z.object({ accepted: z.number().int() });

/** `GET /agent/v1/profile`: the profile version of this instance (an agent that resumed asks again). */
export const AgentProfileResponse = z.object({
  profile: z.object({ name: z.string(), version: z.number().int(), spec: Profile }).nullable(),
});

/** `POST /agent/v1/models/urls`: download URLs for models of this instance's profile kept in storage. */
export const ModelUrlsRequest = z.object({
  sha256s: z
    .array(z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256'))
    .min(1)
    .max(1000),
});
/**
 * A model site's credential for downloads from the profile's own model URLs: `header: value` goes only to
 * requests whose origin is exactly `origin` (never across a redirect to another host); without `header`
 * no secret is set, and `secret` names the one to set when the site refuses (401/403).
 */
export const ModelSourceCredential = z.object({
  /** `https://huggingface.co`: scheme, host and port, as `URL.origin` spells it. */
  origin: z.string(),
  /** The hub secret this comes from, e.g. `huggingface.token`, `model-host.<host>.header`. */
  secret: z.string(),
  header: z.string().optional(),
  value: z.string().optional(),
});
export type ModelSourceCredential = z.infer<typeof ModelSourceCredential>;

export const ModelUrlsResponse = z.object({
  /** By sha256; models the library does not hold (yet) are absent: fetch those from their URL. */
  urls: z.record(z.string(), z.string()),
  expiresAt: Timestamp,
  /** For the origins of the requested models' own URLs (absent from hubs that predate it). */
  credentials: z.array(ModelSourceCredential).default([]),
});

/**
 * `POST /agent/v1/models/:sha256/promotion`: the agent offers a model's bytes to the library, so the next
 * instance gets them from storage — a model of its profile it fetched and verified from its URL, or one a
 * snapshot of this instance asked for (`SnapshotResult.uploads`). The answer: `exists`, or the parts to PUT
 * (then `…/promotion/parts` and `…/promotion/complete`, with the bodies of the owner's model upload routes).
 */
export const PromoteModelRequest = z.object({
  sizeBytes: z.number().int().min(1, 'expected the verified file size in bytes (> 0)'),
});
export type PromoteModelRequest = z.infer<typeof PromoteModelRequest>;

/** The answer to a promotion: nothing about the library beyond whether these bytes still need sending. */
export const PromotionStartResponse = z.discriminatedUnion('status', [
  z.object({ status: z.literal('exists') }),
  ModelUploadPlan,
]);
export type PromotionStartResponse = z.infer<typeof PromotionStartResponse>;

/** `…/promotion/complete`: the library now serves the model from storage. */
export const PromotionCompleteResponse = z.object({ sha256: Sha256, status: z.literal('available') });
export type PromotionCompleteResponse = z.infer<typeof PromotionCompleteResponse>;
