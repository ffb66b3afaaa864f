export * from './agent/activity.js';
export * from './agent/protocol.js';
export * from './api/auth.js';
export * from './api/catalogue.js';
export * from './api/costs.js';
export * from './api/cuda.js';
export * from './api/errors.js';
export * from './api/files.js';
export * from './api/health.js';
export * from './api/idle.js';
export * from './api/instance-states.js';
export * from './api/instances.js';
export * from './api/launch.js';
export * from './api/live.js';
export * from './api/logs.js';
export * from './api/models.js';
export * from './api/notifications.js';
export * from './api/outputs.js';
export * from './api/profiles.js';
export * from './api/settings.js';
export * from './api/snapshots.js';
export * from './api/tailscale.js';
export * from './api/tokens.js';
export { ConfigError, configProblems } from './config-error.js';
export { errorMessage } from './error-message.js';
export { profileTextIssues, type TextIssue, type TextPath, textIssues } from './no-nul.js';
export * from './outputs/index.js';
export * from './profile/index.js';
export * from './retry/index.js';
export * from './tailscale/index.js';
export {
  cutToCodeUnits,
  hasDeceptiveCharacters,
  loneSurrogateIndex,
  outputSegmentProblem,
  repairAgentText,
  type TextKind,
  textProblem,
} from './text/unicode-text.js';
export { PODPILOT_VERSION } from './version.js';
