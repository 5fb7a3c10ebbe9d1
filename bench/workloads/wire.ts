/**
 * Workload 9, wire: a GetBalance query and its Single answer (the distributed workload's) through
 * evento-ts's WireCodec, encoded by the sender, decoded by the receiver and back, in one process
 * with no transport; beside it `raw`, the raw Kafka system's JSON request and answer both ways.
 * The throughput column is round trips per second: what the wire format costs a request before any
 * broker, where the distributed workload's figures include the broker, the clients and the database.
 */
import { bySize, type BenchConfig } from '../harness/config';
import type { BenchCase } from '../harness/types';
import { eventoWire } from '../systems/evento/wire';
import { rawWire } from '../systems/raw/wire';

export function wireCases(config: BenchConfig): BenchCase[] {
  if (!config.stores.includes('memory')) return [];
  const count = bySize(config, { full: 200_000, quick: 50_000, smoke: 200 });
  return [
    {
      workload: 'wire',
      variant: 'query and answer',
      store: 'memory',
      unit: 'round trips/s',
      params: { count },
      systems: [
        { system: 'evento-ts', create: () => eventoWire(count) },
        { system: 'raw', create: () => rawWire(count) },
      ],
    },
  ];
}
