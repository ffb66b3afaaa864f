export { type AgentConfig, AgentEnv, loadAgentConfig } from './env.js';
export { agentPaths } from './runtime/agent-paths.js';
export { createProgressDisplay } from './runtime/progress-display.js';
export { type RunAgentOptions, runAgent } from './runtime/run-agent.js';
