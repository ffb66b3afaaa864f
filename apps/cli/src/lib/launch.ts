import { randomUUID } from 'node:crypto';
import { type InstanceDetail, instancesEndpoints, LaunchRequest, retry, sleep } from '@podpilot/common';
import { CliError } from './cli-error.js';
import { type FlagSpec, parseFlags } from './flags.js';
import { type HubClient, HubError } from './hub-client.js';

/** `podpilot launch` flags, as commander hands them over. */
export interface LaunchFlags {
  offer?: string;
  provider?: string;
  name?: string;
  disk?: string;
  relaunch?: string;
}

const SPECS: Record<string, FlagSpec> = {
  profile: { flag: 'PROFILE', expected: 'expected a profile name, optionally @version (sdxl-portraits@3)' },
  provider: { flag: '--provider', expected: 'expected a provider: vastai, runpod or local' },
  offerId: { flag: '--offer', expected: 'expected an offer id from `podpilot offers`' },
  name: { flag: '--name', expected: 'expected lowercase letters, digits and dashes (max 63)' },
  diskGb: { flag: '--disk', expected: 'expected a whole number of GB from 10 to 2000' },
  relaunch: { flag: '--relaunch', expected: 'expected a whole number from 0 to 5' },
  idempotencyKey: { flag: 'idempotency key' },
};

/**
 * The launch request from the flags, checked before anything is sent: `--provider` is required, `--offer`
 * too unless the provider is `local` (which takes none). `key` identifies this invocation's launch.
 */
export function launchRequestFromFlags(
  profile: string,
  flags: LaunchFlags,
  key: string = randomUUID(),
): LaunchRequest {
  if (flags.provider === undefined)
    throw new CliError('--provider: required (vastai or runpod with --offer, or local)');
  if (flags.provider === 'local' && flags.offer !== undefined)
    throw new CliError('--offer: not used with --provider local');
  if ((flags.provider === 'vastai' || flags.provider === 'runpod') && flags.offer === undefined)
    throw new CliError(
      `--offer: required with --provider ${flags.provider} (find one with \`podpilot offers\`)`,
    );
  // The schema takes a number: anything but digits is NaN, refused below as not a number of GB.
  const whole = (value: string | undefined) =>
    value === undefined ? undefined : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  const diskGb = whole(flags.disk);
  const relaunch = whole(flags.relaunch);
  return parseFlags(
    LaunchRequest,
    {
      profile,
      provider: flags.provider,
      offerId: flags.offer,
      idempotencyKey: key,
      name: flags.name,
      diskGb,
      relaunch,
    },
    SPECS,
    {
      profile,
      provider: flags.provider,
      offerId: flags.offer,
      name: flags.name,
      diskGb: flags.disk,
      relaunch: flags.relaunch,
    },
  );
}

export interface LaunchOptions {
  /** Waits before each retry, in ms; its length is the number of retries. */
  retryDelaysMs?: number[];
  /** Told before each retry (the reason, the attempt about to be made, and how many there are at most). */
  onRetry?: (error: HubError, attempt: number, attempts: number) => void;
}

/**
 * `POST /api/instances`. A request that got no answer, or a 5xx, is sent again with the same idempotency
 * key: the hub answers a repeat with the instance it already made, so a retried launch never rents twice.
 */
export async function launchInstance(
  hub: HubClient,
  request: LaunchRequest,
  { retryDelaysMs = [1000, 2000, 4000, 8000], onRetry }: LaunchOptions = {},
): Promise<InstanceDetail> {
  const attempts = retryDelaysMs.length + 1;
  const delays = [...retryDelaysMs];
  const retryable = (error: unknown): error is HubError => error instanceof HubError && error.retryable;
  try {
    return await retry(() => hub.call(instancesEndpoints.launch, { body: request }), {
      attempts,
      retryable,
      onRetry: (error, attempt) => onRetry?.(error as HubError, attempt + 2, attempts),
      // The waits are the caller's, one per retry, instead of the core's backoff.
      sleep: () => sleep(delays.shift() ?? 0),
    });
  } catch (error) {
    if (!retryable(error)) throw error;
    throw new CliError(`${error.message} (after ${attempts} attempts)`, [
      ...error.details,
      `the hub may have accepted the launch: check \`podpilot ps\` before launching again`,
      `idempotency key: ${request.idempotencyKey}`,
    ]);
  }
}
