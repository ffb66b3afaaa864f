import type {
  ConfirmOutputsRequest,
  ConfirmOutputsResponse,
  OutputFile,
  PresignOutputsResponse,
} from '@podpilot/common';
import { errorMessage as errorText } from '@podpilot/common';
import type { ForwardRoute } from '@podpilot/common/node';

/**
 * The three hub calls the sync engine needs (HubConnection implements them; tests use a stub). Each either
 * answers per the schemas of `@podpilot/common` api/outputs.ts or throws. An error named
 * `AgentRejectedError` (or carrying a 4xx `status`) means the hub refused the request itself; any other
 * error is taken as "the hub is unavailable, try again later".
 */
export interface OutputHub {
  presignOutputs(files: OutputFile[]): Promise<PresignOutputsResponse>;
  outputParts(
    key: string,
    uploadId: string,
    partNumbers: number[],
  ): Promise<{ partNumber: number; url: string }[]>;
  confirmOutputs(files: ConfirmOutputsRequest['files']): Promise<ConfirmOutputsResponse>;
  /** Storage URLs on the hub's own origin that must go through the hub proxy (null: connect directly). */
  storageRoute?(): ForwardRoute | null;
}

/** A file on disk as last seen: `rel` is the OutputPath sent to the hub, `abs` where it lives. */
export interface SeenFile {
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

/** Did the hub refuse this request (retrying the same request cannot help)? */
export function isRefusal(error: unknown): boolean {
  const e = error as { name?: string; status?: number } | null;
  if (!e) return false;
  if (e.name === 'AgentRejectedError') return true;
  return typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.status !== 429;
}

export { errorText };
