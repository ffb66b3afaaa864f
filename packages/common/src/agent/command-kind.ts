import * as z from 'zod';

/**
 * What the hub may ask of an agent. A module of its own: the instance views name it, and should not build the
 * whole agent protocol (profile included) to do so.
 */
export const AgentCommandKind = z.enum(['sync-now', 'snapshot', 'stop-webui', 'shutdown']);
export type AgentCommandKind = z.infer<typeof AgentCommandKind>;
