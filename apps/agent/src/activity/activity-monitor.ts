import { type ActivityFacts, cutToCodeUnits, type UiKind, type WebuiBusy } from '@podpilot/common';
import { type ConnectionReading, ConnectionSampler } from './connections.js';
import { type GpuReading, sampleGpus } from './gpu.js';
import { ProcessCpu } from './process-cpu.js';
import { WebuiProber } from './webui-probe.js';

export interface ActivityMonitorOptions {
  uiKind: UiKind;
  /** The port the WebUI listens on. */
  port: number;
  /** The WebUI's pid (root of its process tree), or null while it is not running. */
  webuiPid: () => number | null;
  /** Milliseconds clock. Default Date.now. */
  now?: () => number;
  /** The nvidia-smi binary. Default `nvidia-smi` from PATH. */
  gpuCommand?: string;
  /** Where the agent reaches the WebUI. Default 127.0.0.1. */
  host?: string;
  /** Per probe of the WebUI's API. Default 3000. */
  probeTimeoutMs?: number;
}

const seconds = (ms: number) => Math.max(0, ms / 1000);

/**
 * Gathers the activity facts of one heartbeat: GPUs, the WebUI's own word on its jobs, client requests on
 * its port, its CPU use, and when the last output appeared. Observations only; `judgeActivity` decides.
 */
export class ActivityMonitor {
  private readonly prober: WebuiProber;
  private readonly connections: ConnectionSampler;
  private readonly cpu: ProcessCpu;
  private readonly now: () => number;
  private lastOutputAt: number | null = null;

  constructor(private readonly options: ActivityMonitorOptions) {
    this.now = options.now ?? Date.now;
    this.prober = new WebuiProber({ host: options.host, timeoutMs: options.probeTimeoutMs });
    this.connections = new ConnectionSampler({
      port: options.port,
      ownPorts: () => this.prober.ownLocalPorts(),
      now: this.now,
    });
    this.cpu = new ProcessCpu(options.webuiPid, { now: this.now });
  }

  /** The output sync saw a new output file. */
  noteOutput(): void {
    this.lastOutputAt = this.now();
  }

  /** One sample of every signal, gathered in parallel. Never throws: an unreadable signal is null. */
  async sample(): Promise<ActivityFacts> {
    const { uiKind, port, gpuCommand } = this.options;
    const gpu = sampleGpus({ command: gpuCommand }).catch(
      (error): GpuReading => ({ gpus: null, error: cutToCodeUnits(String(error), 500) }),
    );
    const cpu = this.cpu.sample().catch(() => null);
    const webui = this.prober
      .probe(uiKind, port)
      .catch((): WebuiBusy => ({ busy: null, source: 'none', detail: 'cannot ask the WebUI' }));
    // After the probe, not beside it: a probe on a new connection is in the kernel's table before its
    // local port is known here, and would be counted as a client request.
    const connections = webui.then(() =>
      this.connections
        .sample()
        .catch((): ConnectionReading => ({ openConnections: null, secondsSinceRequest: null })),
    );
    const [gpuReading, webuiBusy, cpuPercent, connectionReading] = await Promise.all([
      gpu,
      webui,
      cpu,
      connections,
    ]);
    return {
      gpus: gpuReading.gpus,
      ...(gpuReading.error ? { gpuError: gpuReading.error } : {}),
      webui: webuiBusy,
      webuiCpuPercent: cpuPercent,
      secondsSinceOutput: this.lastOutputAt === null ? null : seconds(this.now() - this.lastOutputAt),
      secondsSinceRequest: connectionReading.secondsSinceRequest,
      openConnections: connectionReading.openConnections,
    };
  }

  /** Closes the probe's kept-alive connection. */
  close(): void {
    this.prober.close();
  }
}
