export * from './api/auth.js';
export * from './api/errors.js';
export * from './api/health.js';
export * from './api/instances.js';
export * from './api/tokens.js';
export { ConfigError, configProblems } from './config-error.js';
export { PODPILOT_VERSION } from './version.js';
