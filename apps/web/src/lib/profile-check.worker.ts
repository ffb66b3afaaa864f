// Checks profile YAML off the main thread. It also keeps the YAML parser out of the main bundle: a worker is
// bundled on its own, while `@podpilot/common` is already part of the app's first chunk. It imports the
// profile module itself, not the package's index: the worker needs the parser, not every schema.
import { parseProfileYaml } from '../../../../packages/common/src/profile/index.ts';
import type { ProfileCheckRequest, ProfileCheckResponse } from './profile-check';

// The app is typed against the DOM; a worker's scope needs only these two.
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ProfileCheckRequest>) => void) | null;
  postMessage: (message: ProfileCheckResponse) => void;
};

scope.onmessage = (event: MessageEvent<ProfileCheckRequest>) => {
  const { id, text } = event.data;
  const result = parseProfileYaml(text);
  const response: ProfileCheckResponse = result.ok
    ? { id, text, name: result.profile.name, errors: [], warnings: result.warnings }
    : { id, text, name: null, errors: result.errors, warnings: result.warnings };
  scope.postMessage(response);
};
