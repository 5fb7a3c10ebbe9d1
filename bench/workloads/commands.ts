/**
 * Workload 1, commands: 5,000 deposits over 1,000 accounts that each already have 50 events
 * (load the state, decide, append with the optimistic version check), at concurrency 1 and 16.
 * Command k goes to account k mod 1,000, so commands in flight never touch the same account.
 */
import type { EventSpec } from '../harness/bulk';
import { bySize, type BenchConfig } from '../harness/config';
import { resetStore } from '../harness/databases';
import type { BenchCase } from '../harness/types';
import { emmettCommands } from '../systems/emmett/commands';
import { eventoCommands, type CommandsSize } from '../systems/evento/commands';
import { rawCommands } from '../systems/raw/commands';

/** The accounts every command workload starts from: 1,000 with 50 events each at full size. */
export function commandsSpec(config: BenchConfig): EventSpec {
  return {
    // --smoke: one command per account, so that no two can ever conflict.
    aggregates: bySize(config, { full: 1000, quick: 100, smoke: 32 }),
    perAggregate: bySize(config, { full: 50, quick: 10, smoke: 2 }),
    opened: true,
    order: 'grouped',
    idPrefix: 'acc-',
  };
}

export function commandsCases(config: BenchConfig): BenchCase[] {
  const spec = commandsSpec(config);
  const commands = bySize(config, { full: 5000, quick: 200, smoke: 32 });
  return config.stores.flatMap((store) =>
    [1, 16].map((concurrency): BenchCase => {
      const size: CommandsSize = { spec, commands, concurrency };
      return {
        workload: 'commands',
        variant: `concurrency ${concurrency}`,
        store,
        unit: 'cmd/s',
        params: { commands, aggregates: spec.aggregates, eventsPerAggregate: spec.perAggregate, concurrency },
        setup: () => resetStore(store),
        systems: [
          { system: 'evento-ts', create: () => eventoCommands(store, size, true) },
          { system: 'evento-ts (no cache)', create: () => eventoCommands(store, size, false) },
          { system: 'raw', create: () => rawCommands(store, size) },
          ...(store === 'memory'
            ? []
            : [{ system: 'raw-min' as const, create: () => rawCommands(store, size, 'raw-min') }]),
          ...(store === 'mysql'
            ? []
            : [{ system: 'emmett' as const, create: () => emmettCommands(store, size) }]),
        ],
      };
    }),
  );
}
