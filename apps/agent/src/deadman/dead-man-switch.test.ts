import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivityFacts } from '@podpilot/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadManSwitch, type DeadManSwitchOptions } from './dead-man-switch.js';
import { selfStopMethod } from './self-stop.js';

const MIN = 60_000;

const idleFacts = (over: Partial<ActivityFacts> = {}): ActivityFacts => ({
  gpus: [{ index: 0, name: 'RTX 4090', utilizationPercent: 0, memoryUsedMiB: 900, memoryTotalMiB: 24564 }],
  webui: { busy: false, source: 'api', detail: 'ComfyUI: queue empty' },
  webuiCpuPercent: 2,
  secondsSinceOutput: null,
  secondsSinceRequest: null,
  openConnections: 1,
  ...over,
});
const gpuAt = (percent: number) =>
  idleFacts({
    gpus: [
      { index: 0, name: 'RTX 4090', utilizationPercent: percent, memoryUsedMiB: 9000, memoryTotalMiB: 24564 },
    ],
  });

/** A switch on a clock the test moves; every side effect is recorded in `log`, in order. */
function harness(over: Partial<DeadManSwitchOptions> = {}) {
  const t = { now: 0 };
  const log: string[] = [];
  const events: { level: string; message: string }[] = [];
  let facts: ActivityFacts | null = idleFacts();
  let exempt = false;
  const options: DeadManSwitchOptions = {
    afterMinutes: 30,
    idleMinutes: () => 10,
    exempt: () => exempt,
    activity: async () => facts,
    finalSync: async () => {
      log.push('sync');
      return { ok: true, message: '3 files uploaded' };
    },
    selfStop: {
      describe: 'the fake API',
      stop: async () => {
        log.push('stop');
      },
    },
    exit: (code) => {
      log.push(`exit ${code}`);
    },
    onEvent: (level, message) => {
      events.push({ level, message });
    },
    now: () => t.now,
    ...over,
  };
  const sw = new DeadManSwitch(options);
  return {
    sw,
    log,
    events,
    /** Moves the clock to `minutes` after the start and checks once. */
    at: (minutes: number) => {
      t.now = minutes * MIN;
      return sw.check();
    },
    setFacts: (f: ActivityFacts | null) => {
      facts = f;
    },
    setExempt: (e: boolean) => {
      exempt = e;
    },
  };
}

describe('DeadManSwitch', () => {
  it('fires when the hub has been gone long enough and the instance is idle: sync, then stop', async () => {
    const h = harness();
    expect(await h.at(29)).toBe('hub-reachable');
    expect(h.log).toEqual([]);
    expect(await h.at(30)).toBe('fired');
    expect(h.log).toEqual(['sync', 'stop']);
    expect(h.events[0]).toEqual({
      level: 'warn',
      message:
        'dead-man switch: hub unreachable for 30 min and idle for 30 min (GPU idle (max 0%); ComfyUI: queue empty; ' +
        'no new output yet; no WebUI request yet; 1 idle connection(s) open): final sync, then stopping this ' +
        'instance through the fake API',
    });
    expect(h.events).toContainEqual({
      level: 'info',
      message: 'dead-man switch: final sync: 3 files uploaded',
    });
    expect(h.events.at(-1)).toEqual({
      level: 'info',
      message: 'dead-man switch: stop requested through the fake API',
    });
    expect(h.sw.hasFired).toBe(true);
  });

  it('does not fire while hub contacts keep coming, and fires once they stop', async () => {
    const h = harness();
    for (let m = 5; m <= 240; m += 5) {
      h.sw.hubContact();
      expect(await h.at(m)).toBe('hub-reachable');
    }
    expect(h.log).toEqual([]);
    // The last contact was at minute 235 (just before the check at 240).
    expect(await h.at(264)).toBe('hub-reachable');
    expect(await h.at(265)).toBe('fired');
    expect(h.events[0]?.message).toContain('hub unreachable for 30 min and idle for 265 min');
  });

  it('does not fire while the GPU works, and waits a full idle window after the last work it saw', async () => {
    const h = harness();
    h.setFacts(gpuAt(90));
    expect(await h.at(30)).toBe('busy');
    expect(await h.at(60)).toBe('busy');
    expect(await h.at(95)).toBe('busy');
    h.setFacts(gpuAt(3)); // the GPU went quiet; judged alone this is idle, but work was seen at minute 95
    expect(await h.at(96)).toBe('waiting');
    expect(await h.at(104)).toBe('waiting');
    expect(h.log).toEqual([]);
    expect(await h.at(105)).toBe('fired');
    expect(h.events[0]?.message).toContain('hub unreachable for 105 min and idle for 10 min');
  });

  it('does not fire while the WebUI has a job, even with the GPU quiet', async () => {
    const h = harness();
    h.setFacts(idleFacts({ webui: { busy: true, source: 'api', detail: 'ComfyUI: 1 running, 2 queued' } }));
    expect(await h.at(45)).toBe('busy');
    expect(await h.at(90)).toBe('busy');
    expect(h.log).toEqual([]);
  });

  it('places remembered work (an output, a request) in time and waits the idle window after it', async () => {
    const h = harness({ idleMinutes: () => 20 });
    h.setFacts(idleFacts({ secondsSinceOutput: 5 * 60 }));
    expect(await h.at(40)).toBe('busy'); // an output 5 min ago, inside the 20 min window
    // Later facts forget it (a restarted collector) — the switch still counts from minute 35.
    h.setFacts(idleFacts({ secondsSinceRequest: null, secondsSinceOutput: null }));
    expect(await h.at(54)).toBe('waiting');
    expect(await h.at(55)).toBe('fired');
  });

  it('does not fire while exempt (idle stopping off, or a keep-awake in force)', async () => {
    const h = harness();
    h.setExempt(true);
    expect(await h.at(30)).toBe('exempt');
    expect(await h.at(600)).toBe('exempt');
    expect(h.log).toEqual([]);
    h.setExempt(false);
    expect(await h.at(601)).toBe('fired');
  });

  it('never fires before a full idle window from its start, even with the hub gone', async () => {
    const h = harness({ idleMinutes: () => 60 });
    expect(await h.at(30)).toBe('waiting');
    expect(await h.at(59)).toBe('waiting');
    expect(h.log).toEqual([]);
    expect(await h.at(60)).toBe('fired');
  });

  it('waits while no activity facts were collected yet', async () => {
    const h = harness();
    h.setFacts(null);
    expect(await h.at(120)).toBe('waiting');
    h.setFacts(idleFacts());
    expect(await h.at(121)).toBe('fired');
  });

  it('waits for a slow final sync before stopping, and stops even when the sync failed', async () => {
    const log: string[] = [];
    const h = harness({
      finalSync: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        log.push('sync');
        return { ok: false, message: '2 files not uploaded (storage unreachable)' };
      },
      selfStop: {
        describe: 'the fake API',
        stop: async () => {
          log.push('stop');
        },
      },
    });
    expect(await h.at(30)).toBe('fired');
    expect(log).toEqual(['sync', 'stop']);
    expect(h.events).toContainEqual({
      level: 'error',
      message: 'dead-man switch: final sync: 2 files not uploaded (storage unreachable)',
    });
  });

  it('stops even when the final sync throws', async () => {
    const h = harness({
      finalSync: async () => {
        throw new Error('disk gone');
      },
    });
    expect(await h.at(30)).toBe('fired');
    expect(h.log).toEqual(['stop']);
    expect(h.events).toContainEqual({
      level: 'error',
      message: 'dead-man switch: final sync: failed: disk gone',
    });
  });

  it('exits the main process with 0 when the self-stop fails', async () => {
    const h = harness({
      selfStop: {
        describe: 'the fake API',
        stop: async () => {
          throw new Error('Vast.ai did not stop instance 1: 401 Unauthorized');
        },
      },
    });
    expect(await h.at(30)).toBe('fired');
    expect(h.log).toEqual(['sync', 'exit 0']);
    expect(h.events.at(-1)).toEqual({
      level: 'error',
      message:
        'dead-man switch: stopping through the fake API failed: Vast.ai did not stop instance 1: 401 Unauthorized; ' +
        "exiting the container's main process instead",
    });
  });

  it('exits the main process with 0 when there is no provider means to stop (selfStop null)', async () => {
    const h = harness({ selfStop: null });
    expect(await h.at(30)).toBe('fired');
    expect(h.log).toEqual(['sync', 'exit 0']);
    expect(h.events[0]?.message).toContain("final sync, then exiting the container's main process");
  });

  it('fires only once, also when checks overlap', async () => {
    const h = harness();
    const [a, b] = await Promise.all([h.at(30), h.sw.check()]);
    expect([a, b]).toEqual(['fired', 'fired']);
    expect(await h.at(31)).toBe('fired');
    h.sw.hubContact();
    expect(await h.at(120)).toBe('fired');
    expect(h.log).toEqual(['sync', 'stop']);
  });

  it('counts from construction when the hub was never reached', async () => {
    const t = { now: 1_000 * MIN };
    const h = harness({ now: () => t.now });
    t.now += 29 * MIN;
    expect(await h.sw.check()).toBe('hub-reachable');
    t.now += MIN;
    expect(await h.sw.check()).toBe('fired');
  });

  it('refuses a non-positive afterMinutes (0 means disabled: do not build a switch)', () => {
    expect(() => harness({ afterMinutes: 0 })).toThrow(RangeError);
    expect(() => harness({ afterMinutes: Number.NaN })).toThrow(RangeError);
  });

  it('reports an activity probe that throws, and does not fire on it', async () => {
    const h = harness({
      activity: async () => {
        throw new Error('nvidia-smi hung');
      },
    });
    expect(await h.at(120)).toBe('waiting');
    expect(h.events).toEqual([
      { level: 'warn', message: 'dead-man switch: activity unknown: nvidia-smi hung' },
    ]);
    expect(h.log).toEqual([]);
  });

  it('start() checks on an unref’d timer until stopped', async () => {
    const h = harness();
    const unref = vi.spyOn(globalThis, 'setInterval');
    await h.at(10); // clock now at minute 10: hub still "reachable"
    const stop = h.sw.start(5);
    const timer = unref.mock.results[0]?.value as NodeJS.Timeout;
    unref.mockRestore();
    expect(timer.hasRef()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(h.log).toEqual([]);
    await h.at(30); // fires through this check; the timer's checks then only answer 'fired'
    await new Promise((resolve) => setTimeout(resolve, 30));
    stop();
    expect(h.log).toEqual(['sync', 'stop']);
  });

  it('start() fires by itself once the hub is gone', async () => {
    const t = { now: 0 };
    const h = harness({ now: () => t.now });
    const stop = h.sw.start(5);
    t.now = 45 * MIN;
    await vi.waitFor(() => expect(h.log).toEqual(['sync', 'stop']), { timeout: 2_000 });
    stop();
  });
});

describe('DeadManSwitch with the real Vast.ai self-stop', () => {
  let server: Server | null = null;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = null;
  });

  it('does the final sync, then PUTs {"state":"stopped"} to a loopback Vast.ai', async () => {
    const order: string[] = [];
    const requests: { method?: string; url?: string; auth?: string; body: string }[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        order.push('PUT');
        requests.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v0`;
    const selfStop = selfStopMethod({ CONTAINER_ID: '777', CONTAINER_API_KEY: 'k-777' }, { vastai: url });
    expect(selfStop).not.toBeNull();
    const exit = vi.fn();
    const h = harness({
      selfStop,
      exit,
      finalSync: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push('sync');
        return { ok: true, message: 'nothing left to upload' };
      },
    });
    expect(await h.at(20)).toBe('hub-reachable');
    expect(requests).toEqual([]);
    expect(await h.at(31)).toBe('fired');
    expect(order).toEqual(['sync', 'PUT']);
    expect(requests).toEqual([
      { method: 'PUT', url: '/api/v0/instances/777/', auth: 'Bearer k-777', body: '{"state":"stopped"}' },
    ]);
    expect(exit).not.toHaveBeenCalled();
    expect(h.events[0]?.message).toContain(
      `stopping this instance through the Vast.ai API (PUT ${url}/instances/777/)`,
    );
  });
});
