export { type AgentConfig, AgentEnv, loadAgentConfig } from './env.js';
export { createProgressDisplay } from './runtime/progress-display.js';
export { agentPaths, type RunAgentOptions, runAgent } from './runtime/run-agent.js';
