import { collectGarbage } from './collectGarbage';
import { percentiles } from './stats';
import type { RunInfo, RunOutput, Sample, SystemRun } from './types';

const RSS_SAMPLE_MS = 20;

/**
 * Runs `system` once, after a full garbage collection, and measures it: wall time (or the time the runner reports), the Node
 * process's CPU time, and the peak resident set size sampled while it ran.
 */
export async function measure(system: SystemRun, info: RunInfo): Promise<Sample> {
  if (system.prepare !== undefined) await system.prepare(info);
  collectGarbage();
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let output: RunOutput;
  try {
    output = await system.run(info);
  } finally {
    clearInterval(sampler);
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const durationMs = output.durationMs ?? wallMs;
  const extra = { ...(output.extra ?? {}) };
  const childRss = extra.childPeakRssMb;
  const latency = percentiles(output.latenciesMs ?? []);
  return {
    index: info.index,
    ops: output.ops,
    durationMs,
    throughput: durationMs > 0 ? (output.ops * 1000) / durationMs : 0,
    // A child process's CPU share over its life, applied to the measured part.
    cpuMs:
      extra.childCpuMs !== undefined && extra.childWallMs !== undefined
        ? (extra.childCpuMs * durationMs) / extra.childWallMs
        : (cpu.user + cpu.system) / 1000,
    peakRssMb: childRss ?? peakRss / 2 ** 20,
    ...(latency === undefined ? {} : { latency }),
    extra,
  };
}
