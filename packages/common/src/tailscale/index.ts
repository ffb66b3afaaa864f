export { HuJsonError, parseHuJson } from './hujson.js';
export {
  DEFAULT_HUB_PORT,
  ownerProblem,
  type PodpilotPolicyOptions,
  podpilotPolicy,
  renderPolicyHuJson,
  type TailscaleAcl,
  type TailscaleGrant,
  type TailscalePolicy,
  type TailscaleTest,
  webuiPorts,
} from './policy.js';
export { comparePolicy, parsePolicy } from './policy-check.js';
