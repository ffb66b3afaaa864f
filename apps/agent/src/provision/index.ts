// The agent's workspace provisioning behind one `provision()`: the UI and its extensions as pinned git
// checkouts, the models (cache, library, promotion), the profile's files, and the command that starts the UI.
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
export { type ProgressSnapshot, ProgressTracker } from './progress.js';
export { type Promotable, type PromotionOutcome, promoteModels } from './promote-models.js';
export { type Provisioned, type ProvisionHub, type ProvisionOptions, provision } from './provision.js';
export { type ModelOutcome, type ProvisionModelsOptions, provisionModels } from './provision-models.js';
