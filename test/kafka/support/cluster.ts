/**
 * The settings every process of one test's cluster shares (plain JSON, so a child process can be
 * told), and the bus each of them builds from it.
 */
import { Kafka, logLevel } from 'kafkajs';
import { KafkajsClient, KafkaMessageBus } from '../../../src/kafka';
import type { Place } from '../../sql/databases';

/** Where a test's processes meet: the brokers and topic prefix, and the event store's place. */
export interface ClusterSettings {
  readonly brokers: readonly string[];
  readonly topicPrefix: string;
  readonly place: Place;
}

/**
 * Short timeouts, so that a dead or frozen instance loses its partitions in seconds: the broker
 * allows sessions of 1 s and more.
 */
export const BUS_TIMINGS = {
  partitions: 6,
  heartbeatIntervalMs: 500,
  instanceTimeoutMs: 5_000,
  sessionTimeoutMs: 3_000,
} as const;

/** A bus of the cluster, on its own kafkajs client. */
export function clusterBus(
  settings: ClusterSettings,
  clientId: string,
  onError: (error: unknown) => void,
): KafkaMessageBus {
  const kafka = new Kafka({ clientId, brokers: [...settings.brokers], logLevel: logLevel.NOTHING });
  return new KafkaMessageBus({
    client: new KafkajsClient(kafka),
    topicPrefix: settings.topicPrefix,
    ...BUS_TIMINGS,
    onError,
  });
}
