export { type FooocusParameters, parseFooocusParameters } from './fooocus-params.js';
export {
  type A1111Parameters,
  type ComfyUiSummary,
  type OutputParams,
  outputParams,
  parseA1111Parameters,
  type Setting,
  summarizeComfyUi,
} from './output-params.js';
export { versionedPath } from './versioned-path.js';
