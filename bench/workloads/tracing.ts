/**
 * Workload 'tracing': the commands workload's deposits, each starting a trace (`@Track` on the
 * handler), in evento-ts with no tracing agent, with two reference agents in memory (one that
 * only calls `next()`, one that also hands on a new `traceparent`: what any agent costs, and what
 * any new trace's context costs), with the Sentry agent at sample rate 0 and at 1, and with the
 * OpenTelemetry agent, side by side, each in a process of its own, alternating run by run: in
 * memory (10,000 commands a run at full size, so that a run lasts long enough to time; 20
 * measured runs) and on PostgreSQL (2,000; 16 runs), at concurrency 1 and 16.
 */
import { join } from 'node:path';
import { bySize, type BenchConfig } from '../harness/config';
import { resetStore } from '../harness/databases';
import type { BenchCase } from '../harness/types';
import { isolatedSystem } from '../harness/isolated';
import type { CommandsSize } from '../systems/evento/commands';
import { tracedCommands, tracedSystems, type TracedRunArgs } from '../systems/evento/tracedCommands';
import { commandsSpec } from './commands';

/** The child process that runs one system of the workload. */
const CHILD = join(__dirname, '..', 'tracingChild.ts');

export function tracingCases(config: BenchConfig): BenchCase[] {
  const spec = commandsSpec(config);
  const isolated = config.size !== 'smoke';
  return config.stores
    .filter((store) => store === 'memory' || store === 'postgres')
    .flatMap((store) =>
      [1, 16].map((concurrency): BenchCase => {
        const commands = bySize(config, { full: store === 'memory' ? 10_000 : 2000, quick: 1000, smoke: 32 });
        const size: CommandsSize = { spec, commands, concurrency };
        return {
          workload: 'tracing',
          variant: `concurrency ${concurrency}`,
          store,
          unit: 'cmd/s',
          params: {
            commands,
            aggregates: spec.aggregates,
            eventsPerAggregate: spec.perAggregate,
            concurrency,
          },
          // Ratios of a few per cent need more rounds than the other workloads: single rounds
          // vary by ±30 % on a shared 2-core machine.
          ...(config.size === 'full'
            ? { repetitions: Math.max(config.repetitions, store === 'memory' ? 20 : 16) }
            : {}),
          setup: () => resetStore(store),
          // Each system in a process of its own (see harness/isolated.ts), but in --smoke, which
          // only proves that every system runs: there starting six processes per case would cost
          // more than the runs. The reference agents in memory only: on PostgreSQL their
          // difference is within the noise.
          setUpTogether: isolated,
          systems: tracedSystems(store).map((system) => {
            const args: TracedRunArgs = { store, size, system };
            return {
              system,
              create: () => (isolated ? isolatedSystem(system, CHILD, args) : tracedCommands(args)),
            };
          }),
        };
      }),
    );
}
