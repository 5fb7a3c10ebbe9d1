import { AsyncLocalStorage } from 'node:async_hooks';
import { loadavg } from 'node:os';
import { catchupCases } from '../workloads/catchup';
import { commandsCases } from '../workloads/commands';
import { distributedCases } from '../workloads/distributed';
import { latencyCases } from '../workloads/latency';
import { longCases } from '../workloads/long';
import { scaleCases } from '../workloads/scale';
import { startupCases } from '../workloads/startup';
import { tracingCases } from '../workloads/tracing';
import { wireCases } from '../workloads/wire';
import { parseArgs, shellQuoted, type BenchConfig } from './config';
import { dropAll } from './databases';
import { describeEnvironment } from './environment';
import { chooseCases } from './filters';
import { describe, runCase } from './repeat';
import { markdownTable, writeResults } from './report';
import { evaluateTargets } from './targets';
import type { BenchCase, Measurement } from './types';

/** Every workload by name, in the order `npm run bench` runs them. */
export const WORKLOADS: Readonly<Record<string, (config: BenchConfig) => BenchCase[]>> = {
  commands: commandsCases,
  'catch-up': catchupCases,
  latency: latencyCases,
  long: longCases,
  scale: scaleCases,
  'start-up': startupCases,
  distributed: distributedCases,
  tracing: tracingCases,
  wire: wireCases,
};

/** What a finished bench run returns (the CI test checks it). */
export interface BenchOutcome {
  readonly measurements: readonly Measurement[];
  readonly table: string;
  readonly resultsPath: string | undefined;
}

/** Parses `argv`, runs the chosen workloads, reports; resolves to whether every system completed. */
export async function runBench(argv: readonly string[], log: (line: string) => void): Promise<boolean> {
  const command = argv.length === 0 ? 'npm run bench' : `npm run bench -- ${argv.map(shellQuoted).join(' ')}`;
  const outcome = await bench(parseArgs(argv, Object.keys(WORKLOADS), log), command);
  return outcome.measurements.every((m) => m.error === undefined);
}

export async function bench(config: BenchConfig, command: string): Promise<BenchOutcome> {
  // evento-ts carries its message flow in an AsyncLocalStorage, which turns on Node's promise hooks
  // for the whole process. Turn them on before any run, so every system runs under them alike.
  new AsyncLocalStorage<number>().run(0, () => undefined);
  const cases = chooseCases(
    config,
    config.workloads.flatMap((name) => WORKLOADS[name]?.(config) ?? []),
  );
  const environment = await describeEnvironment(config.stores);
  config.log(
    `Node ${environment.node}, ${environment.cpus} CPUs, ${environment.memoryGb} GB, PostgreSQL ${environment.postgres ?? '-'}, ` +
      `MariaDB ${environment.mariadb ?? '-'}, load ${environment.loadAtStart.toFixed(2)}`,
  );
  const measurements: Measurement[] = [];
  try {
    for (const benchCase of cases) {
      try {
        measurements.push(
          ...(await runCase(benchCase, {
            repetitions: config.repetitions,
            warmup: config.warmup,
            log: config.log,
          })),
        );
      } catch (error) {
        config.log(
          `${benchCase.workload} [${benchCase.variant}] on ${benchCase.store} failed: ${describe(error)}`,
        );
        measurements.push(
          ...benchCase.systems.map(({ system }) => ({
            workload: benchCase.workload,
            variant: benchCase.variant,
            store: benchCase.store,
            system,
            params: benchCase.params,
            unit: benchCase.unit,
            compare: benchCase.compare ?? true,
            repetitions: 0,
            extra: {},
            samples: [],
            error: describe(error),
          })),
        );
      }
    }
  } finally {
    await dropAll(config.stores).catch((error: unknown) =>
      config.log(`dropping the bench data: ${describe(error)}`),
    );
  }
  const table = markdownTable(measurements);
  const targets = evaluateTargets(measurements);
  const summary = [
    `Command: \`${command}\``,
    `Machine: ${environment.cpus} × ${environment.cpuModel}, ${environment.memoryGb} GB; Node ${environment.node}; ` +
      `PostgreSQL ${environment.postgres ?? '-'}; MariaDB ${environment.mariadb ?? '-'}; ` +
      `load average ${environment.loadAtStart.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end`,
    '',
    table,
    '',
    targets,
  ].join('\n');
  config.log(`\n${summary}`);
  const resultsPath =
    config.resultsDir === undefined
      ? undefined
      : writeResults(config.resultsDir, measurements, environment, command, summary);
  if (resultsPath !== undefined) config.log(`\nResults: ${resultsPath}`);
  return { measurements, table, resultsPath };
}
