export { HuJsonError, parseHuJson } from './hujson.js';
export {
  AGENT_SSH_USERS,
  DEFAULT_HUB_PORT,
  ownerProblem,
  type PodpilotPolicyOptions,
  podpilotPolicy,
  renderPolicyHuJson,
  type TailscaleAcl,
  type TailscaleGrant,
  type TailscalePolicy,
  type TailscaleSshRule,
  type TailscaleTest,
  webuiPorts,
} from './policy.js';
export { comparePolicy, parsePolicy } from './policy-check.js';
