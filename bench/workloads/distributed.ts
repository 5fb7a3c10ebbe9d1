/**
 * Workload 7, distributed: an API bundle sends Deposit commands and GetBalance queries (a
 * primary-key lookup) to the domain bundle over Kafka, handled by 1, 2 or 3 instances of it in
 * processes of their own, against the same two bundles in one process on the in-process bus, all
 * on PostgreSQL (1,000 opened accounts; request k goes to account k mod 1,000). Throughput at
 * concurrency 16 and 64 (5,000 requests), and the latency of commands sent at a steady 200 and
 * 500 per second. Each run reports where a request's time went (mean, and p99 of the main parts,
 * from timestamps taken in every process) and, for commands, events appended / commands
 * acknowledged. Beside them, `raw (kafka ×1)` sends the same requests written by hand with kafkajs
 * and pg to one domain process (bench/systems/raw/kafka). The relay case: 4 writers send Deposit commands (500 each) while another bundle's
 * KafkaEventRelay publishes the store to a topic (3 partitions) that a kafkajs consumer reads
 * back: events relayed per second, the relay's lag at the end, and delivered (distinct event ids
 * on the topic) / appended, duplicates and events out of order per aggregate. Needs a Kafka
 * broker (EVENTO_BENCH_KAFKA_BROKERS, default 127.0.0.1:9092).
 */
import { bySize, type BenchConfig } from '../harness/config';
import { resetStore } from '../harness/databases';
import { unpacedWriters } from '../harness/live';
import { RAW_KAFKA_SYSTEM, RELAY_SYSTEM, type BenchCase } from '../harness/types';
import { loadConfluent } from '../harness/confluentPackage';
import { kafkaClientChoice } from '../systems/evento/distributed/kafkaBus';
import { relayDistributed } from '../systems/evento/distributed/relaySystem';
import { rawKafkaDistributed } from '../systems/raw/kafka/rawDistributed';
import type { DistributedLoad, DistributedSize } from '../systems/evento/distributed/distributedRun';
import {
  inProcessDistributed,
  kafkaDistributed,
  kafkaSystemName,
} from '../systems/evento/distributed/systems';

export function distributedCases(config: BenchConfig): BenchCase[] {
  if (!config.stores.includes('postgres')) return [];
  const client = clientParams();
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
  const cases = loads.map(({ variant, load }): BenchCase => {
    const size: DistributedSize = { accounts, load };
    return {
      workload: 'distributed',
      variant,
      store: 'postgres',
      unit: load.kind === 'commands' ? 'cmd/s' : 'queries/s',
      compare: !('rate' in load),
      params: { accounts, ...load, ...client },
      setup: () => resetStore('postgres'),
      systems: [
        { system: 'evento-ts', create: () => inProcessDistributed(size) },
        ...instances.map((n) => ({ system: kafkaSystemName(n), create: () => kafkaDistributed(size, n) })),
        ...(client.client === 'kafkajs'
          ? [{ system: RAW_KAFKA_SYSTEM, create: () => rawKafkaDistributed(size) }]
          : []),
      ],
    };
  });
  return [...cases, relayCase(config, client)];
}

/** Concurrent writers appending through commands while a KafkaEventRelay publishes the store. */
function relayCase(config: BenchConfig, client: ClientParams): BenchCase {
  const live = unpacedWriters(4, bySize(config, { full: 500, quick: 100, smoke: 5 }), 10_000);
  const partitions = 3;
  return {
    workload: 'distributed',
    variant: 'relay, concurrent writers',
    store: 'postgres',
    unit: 'events/s',
    compare: false,
    params: {
      writers: live.writers,
      eventsPerWriter: live.perWriter,
      partitions,
      writes: 'commands',
      ...client,
    },
    setup: () => resetStore('postgres'),
    systems: [{ system: RELAY_SYSTEM, create: () => relayDistributed(live, partitions) }],
  };
}

type ClientParams = { readonly client: string; readonly confluentSettings?: string };

/**
 * The Kafka client of the run (see `kafkaClientChoice`) as the cases' parameters record it,
 * checked before any case runs: a confluent client that is not installed stops the run here.
 */
function clientParams(): ClientParams {
  const { client, settings } = kafkaClientChoice();
  if (client === 'kafkajs') return { client };
  loadConfluent();
  return Object.keys(settings).length === 0
    ? { client }
    : { client, confluentSettings: JSON.stringify(settings) };
}
