import * as z from 'zod';

/** One GPU as `nvidia-smi --query-gpu=index,name,utilization.gpu,memory.used,memory.total` reports it. */
export const GpuSample = z.object({
  index: z.number().int().nonnegative(),
  name: z.string().max(200).nullable(),
  /** null where nvidia-smi printed `[N/A]` or `[Not Supported]`. */
  utilizationPercent: z.number().min(0).max(100).nullable(),
  memoryUsedMiB: z.number().nonnegative().nullable(),
  memoryTotalMiB: z.number().nonnegative().nullable(),
});
export type GpuSample = z.infer<typeof GpuSample>;

/** Whether the WebUI has work, as its own API (or the fallback) tells. */
export const WebuiBusy = z.object({
  /** true: a job runs or waits; false: the UI says it has none; null: it could not be asked. */
  busy: z.boolean().nullable(),
  /** `api`: the UI's own API (A1111/Forge progress, ComfyUI queue); `cpu`: the WebUI's CPU use; `none`. */
  source: z.enum(['api', 'cpu', 'none']),
  /** For people: "ComfyUI: 1 running, 2 queued", "A1111: job 2/4 at 37%". */
  detail: z.string().max(500).optional(),
});
export type WebuiBusy = z.infer<typeof WebuiBusy>;

/**
 * Activity facts in every heartbeat: raw observations, never a verdict. The hub (and the agent's dead-man
 * switch) judge them with `judgeActivity`. Durations are "seconds ago" so agent and hub clocks need not agree.
 */
export const ActivityFacts = z.object({
  /** Every GPU; null when nvidia-smi is missing or failed (`gpuError` says why). */
  gpus: z.array(GpuSample).max(64).nullable(),
  gpuError: z.string().max(500).optional(),
  webui: WebuiBusy,
  /** CPU use of the WebUI's process tree since the last sample, in % of one core; null when unknown. */
  webuiCpuPercent: z.number().nonnegative().nullable(),
  /** Seconds since the output sync last saw a new output file; null when none was seen this run. */
  secondsSinceOutput: z.number().nonnegative().nullable(),
  /**
   * Seconds since a client last sent a request to the WebUI port (bytes from a client, or a new
   * connection); the agent's own probes are not counted. null when none was seen this run.
   */
  secondsSinceRequest: z.number().nonnegative().nullable(),
  /** Client connections open to the WebUI port now (an idle browser tab keeps one; that alone is no work). */
  openConnections: z.number().int().nonnegative().nullable(),
});
export type ActivityFacts = z.infer<typeof ActivityFacts>;

/** Thresholds of the judgement; the same on the hub and in the agent. */
export const ACTIVITY_THRESHOLDS = {
  /** A GPU at or above this utilisation is working. */
  gpuBusyPercent: 10,
  /** Only for UIs without a busy API (Fooocus, Kohya): a WebUI tree above this (% of one core) is working. */
  webuiCpuBusyPercent: 50,
} as const;

export interface ActivityJudgement {
  /** Something shows work: now, or an output / request within the window. */
  busy: boolean;
  /** A signal of the present shows work (GPU, WebUI job, CPU): the instance is working at this moment. */
  busyNow: boolean;
  /** Why busy (each signal that shows work), or why idle (each signal and what it shows). */
  reasons: string[];
  /** Seconds ago of the most recent work a signal remembers (an output, a request); null when none. */
  secondsSinceWork: number | null;
}

const ago = (seconds: number) =>
  seconds < 90 ? `${Math.round(seconds)} s ago` : `${Math.round(seconds / 60)} min ago`;

/**
 * Judges activity facts. Busy when any GPU is at or above the threshold, the WebUI's API reports a job,
 * the WebUI's CPU is high (only when its API cannot tell), or an output / client request came within
 * `windowSeconds` (the idle minutes). Otherwise idle, with every signal's reading in `reasons`.
 */
export function judgeActivity(facts: ActivityFacts, windowSeconds: number): ActivityJudgement {
  const busy: string[] = [];
  const quiet: string[] = [];
  if (facts.gpus === null) quiet.push(`GPU unknown (${facts.gpuError ?? 'nvidia-smi unavailable'})`);
  else if (facts.gpus.length === 0) quiet.push('no GPU');
  else {
    const working = facts.gpus.filter(
      (g) => (g.utilizationPercent ?? 0) >= ACTIVITY_THRESHOLDS.gpuBusyPercent,
    );
    for (const g of working) busy.push(`GPU ${g.index} at ${g.utilizationPercent}%`);
    if (!working.length) {
      const top = Math.max(...facts.gpus.map((g) => g.utilizationPercent ?? 0));
      quiet.push(`GPU idle (max ${top}%)`);
    }
  }
  const { webui } = facts;
  if (webui.busy === true) busy.push(webui.detail ?? `WebUI busy (${webui.source})`);
  else if (webui.busy === false) quiet.push(webui.detail ?? 'WebUI has no job');
  else quiet.push(webui.detail ?? 'WebUI job state unknown');
  if (webui.source !== 'api' && facts.webuiCpuPercent !== null) {
    if (facts.webuiCpuPercent >= ACTIVITY_THRESHOLDS.webuiCpuBusyPercent)
      busy.push(`WebUI using ${Math.round(facts.webuiCpuPercent)}% CPU`);
  }
  const busyNow = busy.length > 0;
  const recent = (seconds: number | null, what: string) => {
    if (seconds === null) quiet.push(`no ${what} yet`);
    else if (seconds < windowSeconds) busy.push(`${what} ${ago(seconds)}`);
    else quiet.push(`last ${what} ${ago(seconds)}`);
  };
  recent(facts.secondsSinceOutput, 'new output');
  recent(facts.secondsSinceRequest, 'WebUI request');
  if (!busy.length && facts.openConnections) quiet.push(`${facts.openConnections} idle connection(s) open`);
  const remembered = [facts.secondsSinceOutput, facts.secondsSinceRequest].filter(
    (s): s is number => s !== null,
  );
  return {
    busy: busy.length > 0,
    busyNow,
    reasons: busy.length ? busy : quiet,
    secondsSinceWork: remembered.length ? Math.min(...remembered) : null,
  };
}
