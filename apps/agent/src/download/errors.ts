/** The downloaded bytes do not have the expected sha256; nothing was kept. */
export class HashMismatchError extends Error {
  override readonly name = 'HashMismatchError';
  constructor(
    readonly model: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `Model "${model}": downloaded file has sha256 ${actual}, expected ${expected}; the file was discarded`,
    );
  }
}

/**
 * The server refused the download for good (a 4xx other than 408/429, a bad redirect, a file that changed
 * under us, or retries exhausted). The message names the model and the URL without its query string,
 * so a `?token=` never reaches a log.
 */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  /** The URL that answered `status` (for the caller's advice; messages use `safeUrl`). */
  readonly url: string | undefined;
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown; url?: URL | string },
  ) {
    super(message, options);
    this.url = options?.url?.toString();
  }
}

/** A URL fit for messages and logs: no credentials, no query (Civitai carries `?token=` there). */
export { safeUrl } from '@podpilot/common/node';
