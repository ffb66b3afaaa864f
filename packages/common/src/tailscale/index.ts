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
  type TailscaleNodeAttr,
  type TailscalePolicy,
  type TailscaleSshRule,
  type TailscaleSshTest,
  type TailscaleTest,
  webuiPorts,
} from './policy.js';
export { comparePolicy } from './policy-check.js';
export { PolicyNotModelledError, parsePolicy } from './policy-read.js';
