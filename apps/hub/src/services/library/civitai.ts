import { type HttpClient, HttpFailure } from '@podpilot/common/node';
import * as z from 'zod';
import { HttpError } from '../../lib/http-error.js';
import { outboundRefusal } from '../../lib/outbound-guard.js';
import { type ModelSites, refusalAdvice } from './model-sites.js';
import { refusedModelUrl } from './url-probe.js';

/** Which Civitai object a URL names. */
export type CivitaiRef =
  | { versionId: number; modelId?: undefined }
  | { modelId: number; versionId?: undefined };

/**
 * The model or version a Civitai URL names, or null when it is no Civitai model URL:
 * `/models/<id>[/<slug>]?modelVersionId=<v>` (that version), `/models/<id>` (its latest version),
 * `/api/download/models/<versionId>`.
 */
export function civitaiRef(sites: ModelSites, url: string): CivitaiRef | null {
  const u = new URL(url);
  if (u.origin !== sites.civitai.origin) return null;
  const download = /^\/api\/download\/models\/(\d+)\/?$/.exec(u.pathname);
  if (download) return { versionId: Number(download[1]) };
  const model = /^\/models\/(\d+)(?:\/[^/]*)?\/?$/.exec(u.pathname);
  if (!model) return null;
  const version = u.searchParams.get('modelVersionId');
  return version && /^\d+$/.test(version) ? { versionId: Number(version) } : { modelId: Number(model[1]) };
}

/** A file of a version, as `GET /api/v1/model-versions/<id>` lists it (developer.civitai.com reference). */
const CivitaiFile = z.object({
  name: z.string(),
  type: z.string().optional(),
  sizeKB: z.number().nonnegative(),
  metadata: z.object({ format: z.string().nullish() }).passthrough().nullish(),
  hashes: z.object({ SHA256: z.string().optional() }).passthrough().default({}),
  downloadUrl: z.url(),
  primary: z.boolean().optional(),
});
const CivitaiVersion = z.object({ id: z.number(), name: z.string().optional(), files: z.array(CivitaiFile) });
/** `GET /api/v1/models/<id>`: versions newest first. */
const CivitaiModel = z.object({ modelVersions: z.array(z.object({ id: z.number() })).min(1) });

export interface ResolvedCivitaiFile {
  sha256: string;
  sizeBytes: number;
  fileName: string;
  /** Where the bytes are fetched: the file's own `downloadUrl`. */
  downloadUrl: string;
}

const bad = (message: string) =>
  new HttpError(400, 'invalid_request', `url: ${message}`, [{ path: 'body.url', message }]);

/**
 * Resolves a Civitai model or version URL through Civitai's API to the file's name, size, sha256 and download
 * URL: the version's primary file, or the file a download URL's `type`/`format` query picks. Sends
 * `civitai.token` (when set) to Civitai's own origin only. Throws 400 naming what went wrong.
 */
export async function resolveCivitai(
  sites: ModelSites,
  http: HttpClient,
  url: string,
  ref: CivitaiRef,
): Promise<ResolvedCivitaiFile> {
  const headers = await sites.headersFor(sites.civitai);
  const api = async (path: string) => {
    const target = new URL(path, sites.civitai).toString();
    try {
      const res = await http.request({ url: target, headers, redirect: 'error' });
      if (res.status === 404) throw bad(`Civitai has no ${path.replace('/api/v1/', '').replace('s/', ' ')}`);
      if (res.status !== 200) throw bad(`Civitai answered HTTP ${res.status} for ${path}`);
      return res.body;
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (outboundRefusal(error)) throw refusedModelUrl();
      if (error instanceof HttpFailure && (error.status === 401 || error.status === 403))
        throw bad(`Civitai: ${refusalAdvice(sites, target, error.status)}`);
      throw bad(
        `Civitai's API did not answer for ${path}: ${error instanceof Error ? error.message : error}`,
      );
    }
  };
  let versionId = ref.versionId;
  if (versionId === undefined) {
    const model = CivitaiModel.safeParse(await api(`/api/v1/models/${ref.modelId}`));
    if (!model.success) throw bad(`Civitai model ${ref.modelId} has no version to download`);
    versionId = model.data.modelVersions[0]?.id as number;
  }
  const parsed = CivitaiVersion.safeParse(await api(`/api/v1/model-versions/${versionId}`));
  if (!parsed.success) throw bad(`Civitai's answer for version ${versionId} is not a model version`);
  const file = pickFile(parsed.data.files, new URL(url));
  if (!file) throw bad(`Civitai version ${versionId} lists no file matching ${url}`);
  const sha256 = file.hashes.SHA256?.toLowerCase();
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256))
    throw bad(`Civitai publishes no sha256 for ${file.name}; pass --sha256`);
  return {
    sha256,
    sizeBytes: Math.round(file.sizeKB * 1024),
    fileName: file.name,
    downloadUrl: file.downloadUrl,
  };
}

/** The file a download URL's `type`/`format` query asks for, else the primary one, else the only one. */
function pickFile(files: z.infer<typeof CivitaiFile>[], url: URL): z.infer<typeof CivitaiFile> | undefined {
  const type = url.searchParams.get('type');
  const format = url.searchParams.get('format');
  if (type || format)
    return files.find((f) => (!type || f.type === type) && (!format || f.metadata?.format === format));
  return files.find((f) => f.primary) ?? (files.length === 1 ? files[0] : undefined);
}
