import { type HeartbeatReport, judgeActivity } from '@podpilot/common';

/** Facts that say nothing new are still written this often: the silence deadline reads `last_heartbeat_at`. */
export const FACTS_REFRESH_MS = 30_000;

/** Counters that grow by themselves between heartbeats are compared as the moment they count from, in these. */
const SINCE_BUCKET_MS = 5_000;

type Facts = Omit<HeartbeatReport, 'acknowledged'>;

/** Instances remembered at most (a heartbeat of a forgotten one is simply written). */
const MAX_REMEMBERED = 20_000;

/**
 * Which heartbeats' facts the hub writes: those that differ from the last ones it wrote for the instance
 * (ignoring `sentAt`, and reading "seconds since the last output/request" as the moment it points at), those
 * that show work at this moment (each says "still working at <now>", which the idle judgement needs), or
 * that come `FACTS_REFRESH_MS` after it. At a 5 s cadence an idle agent writes a sixth of the rows it did.
 * Facts and `last_heartbeat_at` are written together, so a reader that ages facts from that time (idle
 * judgement) stays right. Per hub process: with several hubs, one may skip facts another wrote over, and the
 * row lags the agent by at most the refresh time.
 */
export class FactWrites {
  private readonly written = new Map<string, { signature: string; at: number }>();

  /** The facts' signature when they must be written now (pass it to `wrote` once they are), else null. */
  due(instanceId: string, facts: Facts, at: number): string | null {
    const signature = signatureOf(facts, at);
    const last = this.written.get(instanceId);
    if (last && last.signature === signature && at - last.at < FACTS_REFRESH_MS) return null;
    return signature;
  }

  /** The facts with `signature` are stored as of `at`. */
  wrote(instanceId: string, signature: string, at: number): void {
    this.written.delete(instanceId); // re-inserted last: the oldest entries are the first to go
    this.written.set(instanceId, { signature, at });
    if (this.written.size > MAX_REMEMBERED) this.written.delete(this.written.keys().next().value as string);
  }
}

function signatureOf({ sentAt: _sent, activity, ...rest }: Facts, at: number): string {
  const since = (seconds: number | null) =>
    seconds === null ? null : Math.round((at - seconds * 1000) / SINCE_BUCKET_MS);
  // Work now is news at every beat: the signature then holds the time, so it never repeats.
  if (activity && judgeActivity(activity, 0).busyNow) return JSON.stringify({ busyAt: at });
  const moments = activity && {
    ...activity,
    secondsSinceOutput: since(activity.secondsSinceOutput),
    secondsSinceRequest: since(activity.secondsSinceRequest),
  };
  return JSON.stringify({ ...rest, activity: moments });
}
