import { Kafka, logLevel } from 'kafkajs';
import { KafkajsClient, KafkaMessageBus } from 'evento-ts/kafka';
import type { DistributedSettings } from './settings';

/**
 * The message bus of one TodoList process: Kafka at `settings.brokers`, on the topic prefix all
 * the TodoList processes share. Close it after the bundle using it has stopped.
 */
export function todoListBus(settings: DistributedSettings, clientId: string): KafkaMessageBus {
  return new KafkaMessageBus({
    client: new KafkajsClient(
      new Kafka({ clientId, brokers: [...settings.brokers], logLevel: logLevel.NOTHING }),
    ),
    topicPrefix: settings.topicPrefix,
    onError: (error) => console.error(`[${clientId}] message bus:`, error),
  });
}
