import type { ActivityFacts } from '@podpilot/common';
import { expect } from 'vitest';
import type { ManualClock } from '../providers/test-support/fake-server.js';
import { heartbeat } from './agents.js';
import { hubRequests } from './app.js';
import { type LifecycleTestHub, launchAndRegister } from './lifecycle.js';

/** Facts of an instance doing nothing: GPU at 0 %, the WebUI's queue empty. */
export const quietFacts = (o: Partial<ActivityFacts> = {}): ActivityFacts => ({
  gpus: [
    {
      index: 0,
      name: 'NVIDIA GeForce RTX 4090',
      utilizationPercent: 0,
      memoryUsedMiB: 812,
      memoryTotalMiB: 24564,
    },
  ],
  webui: { busy: false, source: 'api', detail: 'ComfyUI: queue empty' },
  webuiCpuPercent: 0.5,
  secondsSinceOutput: null,
  secondsSinceRequest: null,
  openConnections: 0,
  ...o,
});

/** Facts of a generation under way: GPU 0 at 97 %, one ComfyUI job running (override the rest with `o`). */
export const busyFacts = (o: Partial<ActivityFacts> = {}): ActivityFacts =>
  quietFacts({
    gpus: [
      {
        index: 0,
        name: 'NVIDIA GeForce RTX 4090',
        utilizationPercent: 97,
        memoryUsedMiB: 20_480,
        memoryTotalMiB: 24564,
      },
    ],
    webui: { busy: true, source: 'api', detail: 'ComfyUI: 1 running, 0 queued' },
    webuiCpuPercent: 12,
    ...o,
  });

export interface SimulatedAgent {
  id: string;
  providerId: string;
  /** Provider stop calls counted when the agent confirmed each final sync (0: synced before the stop). */
  stopsWhenSynced: number[];
  /** One heartbeat with these facts; answers every final sync (sync-now) in the next one. Null once refused. */
  beat(activity: ActivityFacts, phase?: string): Promise<unknown>;
}

/**
 * Owner API calls and hand-driven agents on a lifecycle test hub (Vast.ai fake) whose idle clock is
 * `clock`: instances are launched on distinct offers, registered, and heartbeat only when the test says.
 */
export function idleTestKit(t: Pick<LifecycleTestHub, 'hub' | 'fake'>, clock: ManualClock) {
  const { owner: api, agent: agentRequest } = hubRequests(() => t.hub);
  const stateOf = async (id: string) => (await api('GET', `/api/instances/${id}`)).json().state as string;
  const eventKinds = async (id: string) =>
    ((await api('GET', `/api/instances/${id}/events?limit=200`)).json().events as { kind: string }[])
      .map((e) => e.kind)
      .reverse();
  /** The state and the activity view as the owner sees them in one answer of `GET /api/instances/:id`. */
  const seen = async (id: string) => {
    const body = (await api('GET', `/api/instances/${id}`)).json();
    return { state: body.state as string, busy: (body.activity?.busy ?? null) as boolean | null };
  };
  const history = async (id: string) =>
    (
      (await api('GET', `/api/instances/${id}/transitions`)).json().transitions as {
        to: string;
        cause: string;
      }[]
    ).map((h) => `${h.to}: ${h.cause}`);
  const callsFor = (route: 'stop' | 'destroy', providerId: string) =>
    t.fake.callsTo(route).filter((c) => c.path.includes(`/instances/${providerId}/`)).length;
  let nextOffer = 100_001;

  /** A launched instance (a fresh offer each time: one rented is taken) whose agent reported ready. */
  async function readyInstance(key: string): Promise<SimulatedAgent> {
    const launched = await launchAndRegister(t, 'tiny', String(nextOffer++), key, 'test');
    const { id, providerInstanceId: providerId, token } = launched;
    const answered = new Set<string>();
    const acks: { id: string; ok: boolean; message: string }[] = [];
    const stopsWhenSynced: number[] = [];
    const agent: SimulatedAgent = {
      id,
      providerId,
      stopsWhenSynced,
      async beat(activity, phase = 'ready') {
        const res = await agentRequest(
          token,
          'POST',
          'heartbeat',
          heartbeat({
            agentVersion: 'test',
            sentAt: new Date(clock.now()).toISOString(),
            phase,
            activity,
            acknowledged: acks.splice(0),
          }),
        );
        if (res.statusCode === 401) return null; // its instance was destroyed: the token died with it
        expect(res.statusCode).toBe(200);
        for (const c of res.json().commands as { id: string; kind: string }[]) {
          if (c.kind !== 'sync-now' || answered.has(c.id)) continue;
          answered.add(c.id);
          stopsWhenSynced.push(callsFor('stop', providerId));
          acks.push({ id: c.id, ok: true, message: '0 file(s) waiting' });
        }
        return res.json();
      },
    };
    await agent.beat(quietFacts(), 'provisioning');
    await agent.beat(quietFacts());
    expect(await stateOf(id)).toBe('ready');
    return agent;
  }

  /**
   * Keeps the agent heartbeating (so it answers the final sync) until the hub's stops under way are done, in
   * `phase` (the one it is in: a `ready` beat would move a provisioning instance on while it is judged).
   */
  async function settle(agent: SimulatedAgent, phase = 'ready'): Promise<void> {
    let done = false;
    const settled = t.hub.services.idle.settled().then(() => {
      done = true;
    });
    while (!done) {
      await agent.beat(quietFacts(), phase);
      await new Promise((r) => setTimeout(r, 20));
    }
    await settled;
  }

  return { api, stateOf, seen, eventKinds, history, callsFor, readyInstance, settle };
}
