/**
 * Workload 2, projection catch-up: 100,000 events already stored (bulk-inserted), one projector
 * upserting one read-model row per event from offset 0 to the head, exactly-once (read model and
 * offset in one transaction) and plain (the read model written outside it). Then the same
 * projector running live while 8 writers append concurrently through each system's own append
 * API: delivered / appended must be exactly 1.
 */
import { bySize, type BenchConfig } from '../harness/config';
import { resetStore } from '../harness/databases';
import { unpacedWriters } from '../harness/live';
import type { BenchCase } from '../harness/types';
import { emmettCatchup, emmettLive } from '../systems/emmett/consumers';
import { eventoCatchup, eventoLive } from '../systems/evento/catchup';
import type { ProjectionMode } from '../systems/evento/consumers';
import { rawCatchup, rawLive } from '../systems/raw/consumers';

export function catchupCases(config: BenchConfig): BenchCase[] {
  const spec = {
    aggregates: bySize(config, { full: 1000, quick: 40, smoke: 10 }),
    perAggregate: bySize(config, { full: 100, quick: 50, smoke: 10 }),
    opened: false,
    order: 'interleaved',
    idPrefix: 'acc-',
  } as const;
  const events = spec.aggregates * spec.perAggregate;
  const cases: BenchCase[] = [];
  for (const store of config.stores) {
    const modes: ProjectionMode[] = store === 'memory' ? ['exactly-once'] : ['exactly-once', 'plain'];
    for (const mode of modes) {
      cases.push({
        workload: 'catch-up',
        variant: mode,
        store,
        unit: 'events/s',
        params: { events, aggregates: spec.aggregates, batchSize: 1000, mode },
        setup: () => resetStore(store),
        systems: [
          { system: 'evento-ts', create: () => eventoCatchup(store, mode, spec) },
          { system: 'raw', create: () => rawCatchup(store, mode, spec) },
          ...(store === 'postgres'
            ? [{ system: 'emmett' as const, create: () => emmettCatchup(store, mode, spec) }]
            : []),
        ],
      });
    }
    const live = unpacedWriters(8, bySize(config, { full: 500, quick: 25, smoke: 5 }), 2000);
    cases.push({
      workload: 'catch-up',
      variant: 'concurrent writers',
      store,
      unit: 'events/s',
      compare: false,
      params: { writers: live.writers, eventsPerWriter: live.perWriter, consumer: 'live, exactly-once' },
      setup: () => resetStore(store),
      systems: [
        { system: 'evento-ts', create: () => eventoLive(store, 'append', live) },
        { system: 'raw', create: () => rawLive(store, live) },
        ...(store === 'postgres'
          ? [{ system: 'emmett' as const, create: () => emmettLive('append', live) }]
          : []),
      ],
    });
  }
  return cases;
}
