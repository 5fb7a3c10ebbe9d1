/**
 * `evento-ts/kafka`: the seam between the framework and a Kafka client library, and its kafkajs
 * implementation (`kafkajs`, an optional peer dependency).
 */
export type {
  KafkaClient,
  KafkaProducer,
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
