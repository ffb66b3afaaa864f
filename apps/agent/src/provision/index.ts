// The agent's workspace provisioning: the UI and its extensions as pinned git checkouts, the
// profile's files, and the command that starts the UI.
export {
  type CheckoutEvent,
  type CheckoutItemResult,
  ProvisionCheckoutsError,
  type ProvisionCheckoutsOptions,
  type ProvisionCheckoutsResult,
  provisionCheckouts,
  resolveCommit,
} from './checkouts.js';
export { type FileWriteResult, UnsafeFilePathError, writeProfileFiles } from './files.js';
export { GitCommandError, redactUrl } from './git.js';
export {
  CheckoutConflictError,
  type CheckoutConflictReason,
  type CheckoutOptions,
  type CheckoutResult,
  ensureCheckout,
} from './git-checkout.js';
export { type LaunchSpec, launchSpec } from './launch.js';
