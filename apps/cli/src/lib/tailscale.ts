import {
  comparePolicy,
  DEFAULT_HUB_PORT,
  HuJsonError,
  ownerProblem,
  type PodpilotPolicyOptions,
  PolicyNotModelledError,
  parsePolicy,
  type TailscalePolicy,
  tailscaleEndpoints,
} from '@podpilot/common';
import { CliError } from './cli-error.js';
import type { HubClient } from './hub-client.js';

/** The flags of `podpilot tailscale policy|check`, as commander gives them. */
export interface TailscaleFlags {
  hubPort?: string;
  owner?: string;
  testUser?: string;
}

/** Checks the flags and turns them into podpilotPolicy's options; a bad flag is a CliError naming it. */
export function policyOptionsFromFlags(flags: TailscaleFlags): PodpilotPolicyOptions {
  let hubPort = DEFAULT_HUB_PORT;
  if (flags.hubPort !== undefined) {
    hubPort = /^\d+$/.test(flags.hubPort) ? Number(flags.hubPort) : Number.NaN;
    if (!(hubPort >= 1 && hubPort <= 65535))
      throw new CliError(`--hub-port: expected a TCP port 1-65535, got "${flags.hubPort}"`);
  }
  if (flags.owner !== undefined) {
    const problem = ownerProblem(flags.owner);
    if (problem) throw new CliError(`--owner: ${problem}`);
  }
  if (flags.testUser !== undefined && !/^[^\s@:,]+@[^\s@:,]+$/.test(flags.testUser))
    throw new CliError(`--test-user: expected a user e-mail, got "${flags.testUser}"`);
  return {
    hubPort,
    ...(flags.owner !== undefined ? { owner: flags.owner } : {}),
    ...(flags.testUser !== undefined ? { testUser: flags.testUser } : {}),
  };
}

/**
 * Reads a live policy file (legacy or current syntax, keys in any case). Fails closed: text that is not a
 * policy, or a policy using anything the check does not model, is a CliError (exit 1) naming what it is —
 * never an empty list of differences.
 */
export function readLivePolicy(text: string): TailscalePolicy {
  try {
    return parsePolicy(text);
  } catch (error) {
    if (error instanceof HuJsonError)
      throw new CliError(`the tailnet's policy file could not be read: ${error.message}`);
    if (error instanceof PolicyNotModelledError)
      throw new CliError(
        'the tailnet policy could not be checked: it uses what `podpilot tailscale check` does not model ' +
          '(so it cannot tell whether the policy enforces what PodPilot needs):',
        error.constructs,
      );
    throw error;
  }
}

/** The tailnet's live policy, as the hub reads it from the Tailscale API (`GET /api/tailscale/policy`). */
export async function fetchLivePolicy(client: HubClient): Promise<TailscalePolicy> {
  const answer = await client.call(tailscaleEndpoints.policy);
  return readLivePolicy(answer.policy);
}

/** The differences that matter between the live policy and PodPilot's, as printed by `tailscale check`. */
export function checkPolicy(live: TailscalePolicy, wanted: TailscalePolicy): string[] {
  return comparePolicy(live, wanted);
}

/** The report of `tailscale check`: one line per difference, or a line saying all is well. */
export function formatCheck(differences: string[]): string {
  if (!differences.length) return 'The tailnet policy enforces what PodPilot needs.\n';
  return [
    `The tailnet policy differs from PodPilot's in ${differences.length} way${differences.length === 1 ? '' : 's'}:`,
    ...differences.map((d) => `  - ${d}`),
    'Print the wanted policy with `podpilot tailscale policy` (same flags) and merge it into the policy file.',
    '',
  ].join('\n');
}
