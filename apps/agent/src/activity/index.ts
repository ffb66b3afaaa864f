export { ActivityMonitor, type ActivityMonitorOptions } from './activity-monitor.js';
export {
  type ConnectionReading,
  ConnectionSampler,
  type ConnectionSamplerOptions,
  parseProcNetTcp,
  parseSs,
  type TcpConnection,
} from './connections.js';
export {
  type GpuReading,
  NVIDIA_SMI_ARGS,
  parseNvidiaSmiCsv,
  type SampleGpusOptions,
  sampleGpus,
} from './gpu.js';
export { ProcessCpu, type ProcessCpuOptions } from './process-cpu.js';
export { type ProbeOptions, probeWebui, WebuiProber, type WebuiProberOptions } from './webui-probe.js';
