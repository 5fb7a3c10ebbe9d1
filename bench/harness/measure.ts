import { collectGarbage } from './collectGarbage';
import { percentiles } from './stats';
import type { RunInfo, Sample, SystemRun } from './types';

const RSS_SAMPLE_MS = 20;

/**
 * Runs `system` once, after a full garbage collection, and measures it: wall time (or the time the runner reports), the Node
 * process's CPU time, and the peak resident set size sampled while it ran.
 */
export async function measure(system: SystemRun, info: RunInfo): Promise<Sample> {
  if (system.prepare !== undefined) await system.prepare(info);
  collectGarbage();
  const { result: output, wallMs, cpuMs, peakRssMb } = await sampled(() => system.run(info));
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
        : cpuMs,
    peakRssMb: childRss ?? peakRssMb,
    ...(latency === undefined ? {} : { latency }),
    extra,
  };
}

/** What {@link sampled} measured of a piece of work. */
export interface Sampled<T> {
  readonly result: T;
  readonly wallMs: number;
  /** This process's CPU time (user + system) while it ran. */
  readonly cpuMs: number;
  /** This process's peak resident set size while it ran, sampled every 20 ms. */
  readonly peakRssMb: number;
}

/** Runs `work` and measures this process over it: wall time, CPU time and peak RSS. */
export async function sampled<T>(work: () => Promise<T>): Promise<Sampled<T>> {
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(sampler);
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return { result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peakRss / 2 ** 20 };
}
