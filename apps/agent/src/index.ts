export { type AgentConfig, AgentEnv, loadAgentConfig } from './env.js';
export { agentPaths, type RunAgentOptions, runAgent } from './runtime/run-agent.js';
