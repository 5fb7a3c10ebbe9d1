/**
 * Workload 3, latency: commands at a steady 200/s from 4 concurrent writers for 30 s (--quick:
 * 5 s, --smoke: 0.25 s); each event carries its command's send time and the live projector
 * records append → handled. Also reports delivered / appended.
 */
import type { BenchConfig } from '../harness/config';
import { resetStore } from '../harness/databases';
import type { LiveOptions } from '../harness/live';
import type { BenchCase } from '../harness/types';
import { emmettLive } from '../systems/emmett/consumers';
import { eventoLive } from '../systems/evento/catchup';
import { rawLive } from '../systems/raw/consumers';

export function latencyCases(config: BenchConfig): BenchCase[] {
  const options: LiveOptions = {
    writers: 4,
    rate: 200,
    seconds: config.latencySeconds,
    perWriter: 0,
    quietMs: 2000,
  };
  return config.stores.map((store): BenchCase => ({
    workload: 'latency',
    variant: '200 cmd/s',
    store,
    unit: 'cmd/s',
    compare: false,
    params: { rate: options.rate ?? 0, writers: options.writers, seconds: options.seconds },
    setup: () => resetStore(store),
    systems: [
      { system: 'evento-ts', create: () => eventoLive(store, 'command', options) },
      ...(store === 'memory' ? [] : [{ system: 'raw' as const, create: () => rawLive(store, options) }]),
      ...(store === 'postgres'
        ? [{ system: 'emmett' as const, create: () => emmettLive('command', options) }]
        : []),
    ],
  }));
}
