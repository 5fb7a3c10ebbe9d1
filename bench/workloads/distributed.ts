/**
 * Workload 7, distributed: an API bundle sends Deposit commands and GetBalance queries (a
 * primary-key lookup) to the domain bundle over Kafka, handled by 1, 2 or 3 instances of it in
 * processes of their own, against the same two bundles in one process on the in-process bus, all
 * on PostgreSQL (1,000 opened accounts; request k goes to account k mod 1,000). Throughput at
 * concurrency 16 and 64 (5,000 requests), and the latency of commands sent at a steady 200 and
 * 500 per second. Each run reports where a request's time went (mean, and p99 of the main parts,
 * from timestamps taken in every process) and, for commands, events appended / commands
 * acknowledged. Needs a Kafka broker (EVENTO_BENCH_KAFKA_BROKERS, default 127.0.0.1:9092).
 */
import { bySize, type BenchConfig } from '../harness/config';
import { resetStore } from '../harness/databases';
import type { BenchCase } from '../harness/types';
import {
  inProcessDistributed,
  kafkaDistributed,
  kafkaSystemName,
  type DistributedLoad,
  type DistributedSize,
} from '../systems/evento/distributed/systems';

export function distributedCases(config: BenchConfig): BenchCase[] {
  if (!config.stores.includes('postgres')) return [];
  const accounts = bySize(config, { full: 1000, quick: 1000, smoke: 32 });
  const count = bySize(config, { full: 5000, quick: 400, smoke: 32 });
  const instances = bySize(config, { full: [1, 2, 3], quick: [1, 2, 3], smoke: [1] });
  const loads: { variant: string; load: DistributedLoad }[] = [
    ...[16, 64].flatMap((concurrency) =>
      (['commands', 'queries'] as const).map((kind) => ({
        variant: `${kind}, concurrency ${concurrency}`,
        load: { kind, count, concurrency },
      })),
    ),
    ...bySize(config, { full: [200, 500], quick: [200, 500], smoke: [200] }).map((rate) => ({
      variant: `commands at ${rate}/s`,
      load: { kind: 'commands' as const, rate, seconds: config.latencySeconds },
    })),
  ];
  return loads.map(({ variant, load }): BenchCase => {
    const size: DistributedSize = { accounts, load };
    return {
      workload: 'distributed',
      variant,
      store: 'postgres',
      unit: load.kind === 'commands' ? 'cmd/s' : 'queries/s',
      compare: !('rate' in load),
      params: { accounts, ...load },
      setup: () => resetStore('postgres'),
      systems: [
        { system: 'evento-ts', create: () => inProcessDistributed(size) },
        ...instances.map((n) => ({ system: kafkaSystemName(n), create: () => kafkaDistributed(size, n) })),
      ],
    };
  });
}
