/** Where a model's bytes come from. */
export interface DownloadSource {
  /** http(s) URL; redirects are followed (up to 10). */
  url: string;
  /**
   * Extra request headers, e.g. `Authorization: Bearer …` for Hugging Face or Civitai. Sent only to the
   * URL's own origin (scheme + host + port), never across a redirect to another host (a CDN would get the token).
   */
  headers?: Record<string, string>;
  /**
   * What a 401/403 from the URL's own origin should tell the owner: the hub secret to set, whether it was
   * sent, and (Hugging Face) the page to accept the model's licence. See credentials.ts.
   */
  refused?: { secret: string; sent: boolean; licencePage?: string | undefined };
}

/** A snapshot of a download's progress. */
export interface DownloadProgress {
  /** Bytes of the file present so far (resumed bytes included). */
  doneBytes: number;
  /** The file's size, or null when the server does not say. */
  totalBytes: number | null;
  /** Network throughput of this call over the last second or so. */
  bytesPerSecond: number;
}

export interface FetchModelOptions {
  /** Root of the content-addressed cache; the file lands at `<cacheDir>/sha256/<hex>`. */
  cacheDir: string;
  /** Expected sha256 of the file, 64 hex digits. */
  sha256: string;
  /** Human name of the model, used in error messages. */
  name: string;
  source: DownloadSource;
  /** Most parallel Range requests (and keep-alive connections); default 32. */
  connections?: number;
  /** Connections to start with, doubled while that pays (see fetchModel); default 8, at most `connections`. */
  initialConnections?: number;
  /** How often the connection count is reconsidered; default 500 ms (tests use less). */
  adaptEveryMs?: number;
  /** Bytes per Range request; default 4 MiB. A resumed download keeps the chunk size it started with. */
  chunkSize?: number;
  /** Called at most every 100 ms while bytes arrive, and once at the end. */
  onProgress?: (p: DownloadProgress) => void;
  /** Aborting stops the download and keeps what was written for a later resume. */
  signal?: AbortSignal;
}

export interface FetchModelResult {
  /** `<cacheDir>/sha256/<hex>`: a verified file. */
  path: string;
  sizeBytes: number;
  /** Bytes received over the network by this call (0 when cached; small when resumed). */
  fetchedBytes: number;
  /** True when the file was already in the cache and nothing was requested. */
  cached: boolean;
}
