import type { AddModelRequest, StartModelUploadRequest, UploadedPart } from '@podpilot/common';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { PutResult } from '../lib/upload-parts';
import { apiCall } from './client';
import { endpoints } from './endpoints';

const { models: api } = endpoints;

export const modelsQuery = queryOptions({
  queryKey: ['models'],
  queryFn: () => apiCall(api.list),
  // Models change state on their own (an agent fetching one, an upload finishing): look again while any does.
  refetchInterval: (query) =>
    query.state.data?.models.some((m) => m.status === 'pending' || m.status === 'uploading') ? 20_000 : false,
});

export function useAddModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AddModelRequest) => apiCall(api.add, { body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: modelsQuery.queryKey }),
  });
}

export function useDeleteModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (sha256: string) => {
      await apiCall(api.remove, { params: { sha256 } });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: modelsQuery.queryKey }),
  });
}

/** `POST /api/models/uploads`: start or resume a push; `exists` means the library has the bytes. */
export function startModelUpload(body: StartModelUploadRequest) {
  return apiCall(api.startUpload, { body });
}

export async function presignModelParts(sha256: string, partNumbers: number[]) {
  const answer = await apiCall(api.uploadParts, { params: { sha256 }, body: { partNumbers } });
  return answer.parts;
}

export function completeModelUpload(sha256: string, parts: UploadedPart[]) {
  return apiCall(api.completeUpload, { params: { sha256 }, body: { parts } });
}

export async function abortModelUpload(sha256: string): Promise<void> {
  await apiCall(api.abortUpload, { params: { sha256 } });
}

/**
 * PUTs one part straight to storage with `XMLHttpRequest` (unlike `fetch`, it reports upload progress).
 * Resolves with the status and the `ETag` (null when the bucket's CORS rule does not expose it); rejects
 * on a network failure or when aborted.
 */
export function putPart(
  url: string,
  body: Blob,
  onBytes: (sent: number) => void,
  signal: AbortSignal,
): Promise<PutResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => signal.removeEventListener('abort', onAbort);
    xhr.upload.onprogress = (event) => onBytes(event.loaded);
    xhr.onload = () => {
      done();
      resolve({ status: xhr.status, etag: xhr.getResponseHeader('ETag') });
    };
    xhr.onerror = () => {
      done();
      reject(new Error('network error (is the storage reachable, and does its CORS rule allow this page?)'));
    };
    xhr.ontimeout = () => {
      done();
      reject(new Error('timed out'));
    };
    xhr.onabort = () => {
      done();
      reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
    };
    xhr.open('PUT', url);
    xhr.send(body);
  });
}
