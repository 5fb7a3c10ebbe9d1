/**
 * Workload 4, long aggregates: one account with 10,000 events (bulk-inserted); each run times a
 * load alone (extra `loadMs`) and then commands on it, one after another. With snapshots, every
 * 100 events (the first command after the bulk load writes the first one, in the warm-up).
 */
import { bySize, type BenchConfig } from '../harness/config';
import { resetStore } from '../harness/databases';
import type { BenchCase } from '../harness/types';
import { emmettLong } from '../systems/emmett/long';
import { eventoLong } from '../systems/evento/long';
import { rawLong } from '../systems/raw/long';

export function longCases(config: BenchConfig): BenchCase[] {
  // --smoke: enough events for one snapshot (every 100).
  const events = bySize(config, { full: 10_000, quick: 2000, smoke: 200 });
  const spec = {
    aggregates: 1,
    perAggregate: events,
    opened: true,
    order: 'grouped',
    idPrefix: 'long-',
  } as const;
  return config.stores.flatMap((store) =>
    [false, true].map((snapshots): BenchCase => {
      const commands = snapshots
        ? bySize(config, { full: 300, quick: 50, smoke: 5 })
        : bySize(config, { full: 10, quick: 5, smoke: 2 });
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
