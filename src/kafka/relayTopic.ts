import { ConfigurationError } from '../errors';
import type { KafkaClient } from './kafkaClient';

/** What a relay does about its topic before its first send. */
export interface RelayTopicSpec {
  /** Create it when missing (else only check it exists). */
  readonly create: boolean;
  /** Partitions of a topic created here. */
  readonly partitions: number;
  /** Topic-level settings of a topic created here. */
  readonly config: Readonly<Record<string, string>>;
}

/**
 * Creates `topic` when it is missing and `spec.create` says so, else checks that it exists (a
 * ConfigurationError naming the fix when it does not). An existing topic is left as it is.
 */
export async function ensureRelayTopic(
  client: KafkaClient,
  topic: string,
  spec: RelayTopicSpec,
): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  try {
    if (spec.create) {
      await admin.createTopics([{ topic, partitions: spec.partitions, config: spec.config }]);
    } else if (!(await admin.listTopics()).includes(topic)) {
      throw new ConfigurationError(
        `KafkaEventRelay: topic ${topic} does not exist on the broker, and createTopic is false; create it, or let the relay create it (createTopic: true, partitions).`,
        { context: { topic } },
      );
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
