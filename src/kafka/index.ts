/**
 * `evento-ts/kafka`: the seam between the framework and a Kafka client library (`KafkaClient`), and
 * its implementations on kafkajs (`KafkajsClient`; `kafkajs` is an optional peer dependency) and on
 * `@confluentinc/kafka-javascript` (`ConfluentClient`; not a dependency at all, install it yourself);
 * and `KafkaEventRelay`, which publishes a bundle's event store to a topic.
 *
 * @module evento-ts/kafka
 */
export type {
  KafkaClient,
  KafkaProducer,
  KafkaProducerOptions,
  KafkaConsumer,
  KafkaAdmin,
  KafkaConsumerOptions,
  OutgoingMessage,
  IncomingMessage,
  CommitPosition,
  GroupJoin,
  TopicSpec,
  GroupListing,
} from './kafkaClient';
export { KafkajsClient } from './kafkajsClient';
export { ConfluentClient, type ConfluentKafkaJS } from './confluentClient';
export { TOPIC_NAME_RULE } from './arguments';
export { KafkaMessageBus } from './kafkaMessageBus';
export type { KafkaMessageBusOptions } from './kafkaBusOptions';
export { KafkaEventRelay, type KafkaEventRelayOptions } from './kafkaEventRelay';
export { RelayHeaders, RELAY_FORMAT_VERSION, type RelayedEvent } from './relayedEvent';
