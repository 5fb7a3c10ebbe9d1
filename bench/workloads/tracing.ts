/**
 * Workload 'tracing': the commands workload's deposits, each starting a trace (`@Track` on the
 * handler), in evento-ts with no tracing agent, with two reference agents in memory (one that
 * only calls `next()`, one that also hands on a new `traceparent`: what any agent costs, and what
 * any new trace's context costs), with the Sentry agent at sample rate 0 and at 1, and with the
 * OpenTelemetry agent, side by side in one process, alternating run by run, 5 measured
 * runs each at full size. In memory (10,000 commands a run at full size, so that a run lasts long
 * enough to time) and on PostgreSQL (2,000), at concurrency 1 and 16.
 */
import { bySize, type BenchConfig } from '../harness/config';
import { resetStore } from '../harness/databases';
import type { BenchCase } from '../harness/types';
import { eventoCommands, type CommandsSize } from '../systems/evento/commands';
import { openTelemetryTracing, referenceTracing, sentryTracing } from '../systems/evento/tracing';
import { commandsSpec } from './commands';

export function tracingCases(config: BenchConfig): BenchCase[] {
  const spec = commandsSpec(config);
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
          // Ratios of a few per cent need more rounds than the other workloads.
          ...(config.size === 'full' ? { repetitions: Math.max(config.repetitions, 5) } : {}),
          setup: () => resetStore(store),
          systems: [
            { system: 'evento-ts', create: () => eventoCommands(store, size, true) },
            // In memory only: on PostgreSQL their difference is within the noise, and six systems'
            // pools would hold more connections than the server allows.
            ...(store === 'memory'
              ? (['pass-through', 'new-trace'] as const).map((kind) => {
                  const reference = referenceTracing(kind);
                  return {
                    system: reference.system,
                    create: () => eventoCommands(store, size, true, referenceTracing(kind)),
                  };
                })
              : []),
            {
              system: 'evento-ts + Sentry (rate 0)',
              create: async () => eventoCommands(store, size, true, await sentryTracing(0)),
            },
            {
              system: 'evento-ts + Sentry (rate 1)',
              create: async () => eventoCommands(store, size, true, await sentryTracing(1)),
            },
            {
              system: 'evento-ts + OpenTelemetry',
              create: () => eventoCommands(store, size, true, openTelemetryTracing()),
            },
          ],
        };
      }),
    );
}
