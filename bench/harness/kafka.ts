/**
 * The benchmark's broker and the plain kafkajs helpers every Kafka system uses: a client, a topic
 * prefix of a system's own, and deleting a system's topics and consumer groups afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** `EVENTO_BENCH_KAFKA_BROKERS` or `EVENTO_TEST_KAFKA_BROKERS` (comma-separated), default 127.0.0.1:9092. */
export const KAFKA_BROKERS = (
  process.env.EVENTO_BENCH_KAFKA_BROKERS ??
  process.env.EVENTO_TEST_KAFKA_BROKERS ??
  '127.0.0.1:9092'
)
  .split(',')
  .map((broker) => broker.trim())
  .filter((broker) => broker !== '');

/** Partitions of a request topic (the message bus's default). */
export const PARTITIONS = 12;

export function kafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
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
