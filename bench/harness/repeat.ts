import { measure } from './measure';
import { range } from './stats';
import type { BenchCase, Measurement, Sample, SystemName, SystemRun } from './types';

/** How a case is repeated. */
export interface RepeatOptions {
  /** Measured runs per system (after one warm-up run). */
  readonly repetitions: number;
  /** Run the warm-ups (cases can still opt out); --quick and --smoke skip them. */
  readonly warmup: boolean;
  /** Called with progress lines. */
  readonly log: (line: string) => void;
}

/**
 * Sets up every system of `bench`, runs one warm-up of each, then the measured runs, alternating
 * systems (the order rotates every repetition, so none always runs first on a warm cache), and
 * closes them. A system that fails to set up or run is reported with its error; the others go on.
 */
export async function runCase(bench: BenchCase, options: RepeatOptions): Promise<Measurement[]> {
  const repetitions = bench.repetitions ?? options.repetitions;
  const label = `${bench.workload} [${bench.variant}] on ${bench.store}`;
  const caseStarted = performance.now();
  options.log(`${label}: setting up`);
  await bench.setup?.();
  const running: { system: SystemName; run: SystemRun; samples: Sample[] }[] = [];
  const failed = new Map<SystemName, string>();
  try {
    const setUp = async ({ system, create }: BenchCase['systems'][number]): Promise<void> => {
      try {
        running.push({ system, run: await create(), samples: [] });
      } catch (error) {
        failed.set(system, describe(error));
        options.log(`${label}: ${system} failed to set up: ${describe(error)}`);
      }
    };
    if (bench.setUpTogether === true) {
      await Promise.all(bench.systems.map(setUp));
      // In the order of the case, whichever was ready first.
      running.sort((a, b) => systemIndex(bench, a.system) - systemIndex(bench, b.system));
    } else {
      for (const entry of bench.systems) await setUp(entry);
    }
    const first = bench.warmup === false || !options.warmup ? 1 : 0;
    for (let index = first; index <= repetitions; index++) {
      const order = rotate(running, index);
      for (const entry of order) {
        if (failed.has(entry.system)) continue;
        try {
          const sample = await measure(entry.run, { index, warmup: index === 0 });
          if (index > 0) entry.samples.push(sample);
          options.log(
            `${label}: ${entry.system} ${index === 0 ? 'warm-up' : `run ${index}/${repetitions}`}: ` +
              `${sample.throughput.toFixed(1)} ${bench.unit}` +
              (sample.latency === undefined ? '' : `, p99 ${sample.latency.p99.toFixed(1)} ms`),
          );
        } catch (error) {
          failed.set(entry.system, describe(error));
          options.log(`${label}: ${entry.system} failed: ${describe(error)}`);
        }
      }
    }
  } finally {
    for (const entry of running) {
      await entry.run
        .close()
        .catch((error: unknown) => options.log(`${label}: closing ${entry.system}: ${describe(error)}`));
    }
    options.log(`${label}: done in ${((performance.now() - caseStarted) / 1000).toFixed(1)} s`);
  }
  return bench.systems.map(({ system }) => {
    const samples = running.find((r) => r.system === system)?.samples ?? [];
    return summarize(bench, system, repetitions, samples, failed.get(system));
  });
}

function systemIndex(bench: BenchCase, system: SystemName): number {
  return bench.systems.findIndex((s) => s.system === system);
}

function summarize(
  bench: BenchCase,
  system: SystemName,
  repetitions: number,
  samples: readonly Sample[],
  error: string | undefined,
): Measurement {
  const base = {
    workload: bench.workload,
    variant: bench.variant,
    store: bench.store,
    system,
    params: bench.params,
    unit: bench.unit,
    compare: bench.compare ?? true,
    repetitions,
    samples,
    ...(error === undefined ? {} : { error }),
  };
  if (samples.length === 0) return { ...base, extra: {} };
  const latencies = samples.flatMap((s) => (s.latency === undefined ? [] : [s.latency]));
  const extraKeys = [...new Set(samples.flatMap((s) => Object.keys(s.extra)))];
  const cpu = range(samples.map((s) => s.cpuMs));
  return {
    ...base,
    throughput: range(samples.map((s) => s.throughput)),
    ...(latencies.length === 0
      ? {}
      : {
          latencyMs: {
            p50: range(latencies.map((l) => l.p50)),
            p95: range(latencies.map((l) => l.p95)),
            p99: range(latencies.map((l) => l.p99)),
          },
        }),
    cpuMs: cpu,
    cpuPercent: (100 * sum(samples.map((s) => s.cpuMs))) / sum(samples.map((s) => s.durationMs)),
    peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
    extra: Object.fromEntries(
      extraKeys.map((key) => [
        key,
        range(samples.flatMap((s) => (key in s.extra ? [s.extra[key] ?? 0] : []))),
      ]),
    ),
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
