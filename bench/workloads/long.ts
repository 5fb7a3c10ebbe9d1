/**
 * Workload 4, long aggregates: one account with 10,000 events (bulk-inserted); each run times a
 * load alone (extra `loadMs`) and then commands on it, one after another. With snapshots, every
 * 100 events (the first command after the bulk load writes the first one, in the warm-up).
 */
import type { BenchConfig } from '../harness/config';
import { resetStore } from '../harness/databases';
import type { BenchCase } from '../harness/types';
import { emmettLong } from '../systems/emmett/long';
import { eventoLong } from '../systems/evento/long';
import { rawLong } from '../systems/raw/long';

export function longCases(config: BenchConfig): BenchCase[] {
  const events = config.quick ? 2000 : 10_000;
  const spec = {
    aggregates: 1,
    perAggregate: events,
    opened: true,
    order: 'grouped',
    idPrefix: 'long-',
  } as const;
  return config.stores.flatMap((store) =>
    [false, true].map((snapshots): BenchCase => {
      const commands = snapshots ? (config.quick ? 50 : 300) : config.quick ? 5 : 10;
      return {
        workload: 'long aggregate',
        variant: snapshots ? 'command, snapshots' : 'command, no snapshots',
        store,
        unit: 'cmd/s',
        params: { events, commandsPerRun: commands, snapshotFrequency: snapshots ? 100 : -1 },
        setup: () => resetStore(store),
        systems: [
          { system: 'evento-ts', create: () => eventoLong(store, snapshots, spec, commands) },
          { system: 'raw', create: () => rawLong(store, snapshots, spec, commands) },
          ...(store !== 'mysql' && !snapshots
            ? [{ system: 'emmett' as const, create: () => emmettLong(store, spec, commands) }]
            : []),
        ],
      };
    }),
  );
}
