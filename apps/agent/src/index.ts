export { type AgentConfig, AgentEnv, loadAgentConfig } from './env.js';
