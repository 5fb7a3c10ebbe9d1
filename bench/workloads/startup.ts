/**
 * Workload 6, start-up: EventoBundle.start() with 200 components (50 aggregates, 50 projections,
 * 50 projectors and 50 observers, so 100 consumers that register and take their leases). The
 * throughput column is starts per second; `startMs` is the time of one start.
 */
import { bySize, type BenchConfig } from '../harness/config';
import { resetStore } from '../harness/databases';
import type { BenchCase } from '../harness/types';
import { eventoStartup } from '../systems/evento/startup';

export function startupCases(config: BenchConfig): BenchCase[] {
  // --smoke: two of each kind.
  const components = bySize(config, { full: 200, quick: 200, smoke: 8 });
  return config.stores.map((store): BenchCase => ({
    workload: 'start-up',
    variant: `${components} components`,
    store,
    unit: 'starts/s',
    params: { components, consumers: components / 2 },
    setup: () => resetStore(store),
    systems: [{ system: 'evento-ts', create: () => eventoStartup(store, components) }],
  }));
}
