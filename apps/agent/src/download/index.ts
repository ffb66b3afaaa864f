export { explainDownloadFailure, sourceWithCredentials } from './credentials.js';
export { DownloadError, HashMismatchError } from './errors.js';
export {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_CONNECTIONS,
  DEFAULT_INITIAL_CONNECTIONS,
  fetchModel,
} from './fetch-model.js';
export type { DownloadProgress, DownloadSource, FetchModelOptions, FetchModelResult } from './types.js';
