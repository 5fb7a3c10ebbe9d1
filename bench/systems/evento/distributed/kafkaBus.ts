import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  ConfluentClient,
  KafkajsClient,
  KafkaMessageBus,
  type ConfluentKafkaJS,
  type KafkaClient,
} from '../../../../src/kafka';
import type { Stamps } from './stamps';
import { TimedKafkaClient } from './timedKafkaClient';

/** `EVENTO_BENCH_KAFKA_BROKERS` or `EVENTO_TEST_KAFKA_BROKERS` (comma-separated), default 127.0.0.1:9092. */
export const KAFKA_BROKERS = (
  process.env.EVENTO_BENCH_KAFKA_BROKERS ??
  process.env.EVENTO_TEST_KAFKA_BROKERS ??
  '127.0.0.1:9092'
)
  .split(',')
  .map((broker) => broker.trim())
  .filter((broker) => broker !== '');

/** Partitions of the domain bundle's request topic (the bus's default). */
export const PARTITIONS = 12;

export function kafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
}

/**
 * The client library of the benchmark's buses and relay: `EVENTO_BENCH_KAFKA_CLIENT`, `kafkajs`
 * (default) or `confluent` (`@confluentinc/kafka-javascript` as scripts/confluent-client.sh
 * installs it under `EVENTO_KAFKA_HOME`, default `.kafka`).
 */
export const KAFKA_CLIENT = clientKind(process.env.EVENTO_BENCH_KAFKA_CLIENT ?? 'kafkajs');

function clientKind(value: string): 'kafkajs' | 'confluent' {
  if (value === 'kafkajs' || value === 'confluent') return value;
  throw new Error(`EVENTO_BENCH_KAFKA_CLIENT is ${JSON.stringify(value)}; use kafkajs or confluent`);
}

/** A client of the chosen library (see {@link KAFKA_CLIENT}). */
export function benchClient(clientId: string): KafkaClient {
  if (KAFKA_CLIENT === 'kafkajs') return new KafkajsClient(kafka(clientId));
  const where = join(
    process.env.EVENTO_KAFKA_HOME ?? join(__dirname, '..', '..', '..', '..', '.kafka'),
    'confluent',
    'node_modules',
    '@confluentinc',
    'kafka-javascript',
  );
  let library: {
    KafkaJS: { Kafka: new (config: object) => ConfluentKafkaJS; logLevel: { NOTHING: number } };
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    library = require(where) as typeof library;
  } catch (error) {
    throw new Error(
      `EVENTO_BENCH_KAFKA_CLIENT=confluent needs @confluentinc/kafka-javascript in ${where}: ` +
        `install it with \`bash scripts/confluent-client.sh\` (${String(error)})`,
    );
  }
  return new ConfluentClient(
    new library.KafkaJS.Kafka({
      kafkaJS: { clientId, brokers: KAFKA_BROKERS, logLevel: library.KafkaJS.logLevel.NOTHING },
      ...CONFLUENT_SETTINGS,
    }),
  );
}

/** librdkafka settings of the confluent clients: `EVENTO_BENCH_CONFLUENT_SETTINGS`, JSON. */
const CONFLUENT_SETTINGS = JSON.parse(process.env.EVENTO_BENCH_CONFLUENT_SETTINGS ?? '{}') as object;

/** A KafkaMessageBus on topics prefixed `topicPrefix` whose Kafka traffic is stamped into `stamps`. */
export function benchBus(clientId: string, topicPrefix: string, stamps: Stamps): KafkaMessageBus {
  return new KafkaMessageBus({
    client: new TimedKafkaClient(benchClient(clientId), stamps),
    topicPrefix,
    partitions: PARTITIONS,
    // A member that joins is given its partitions after the others heartbeat (a fifth of this).
    sessionTimeoutMs: 6_000,
    onError: (error) => console.error(`[bench] ${clientId}:`, error),
  });
}

/** A topic prefix of this process's own, for a system's topics and consumer groups. */
export function newTopicPrefix(): string {
  return `evento-bench-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Deletes the topics and consumer groups named under `topicPrefix`. */
export async function deleteKafkaPrefix(topicPrefix: string): Promise<void> {
  const admin = kafka('evento-bench-admin').admin();
  await admin.connect();
  try {
    const mine = (name: string): boolean => name.startsWith(`${topicPrefix}.`);
    const topics = (await admin.listTopics()).filter(mine);
    if (topics.length > 0) await admin.deleteTopics({ topics });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter(mine);
    if (groups.length > 0) await admin.deleteGroups(groups);
  } finally {
    await admin.disconnect();
  }
}
