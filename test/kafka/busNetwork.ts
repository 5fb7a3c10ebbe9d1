import type { MessageBus } from '../../src';
import { KafkaMessageBus, type KafkaClient, type KafkaMessageBusOptions } from '../../src/kafka';
import type { BusNetwork } from '../contracts/messageBusContract';
import { uniqueName } from '../support/kafka';

/** Buses on one topic prefix of their own; `cleanup` closes them and deletes the prefix's topics. */
export interface KafkaBusNetwork extends BusNetwork {
  readonly prefix: string;
  connect(options?: Partial<KafkaMessageBusOptions>): KafkaMessageBus;
}

/** A network of KafkaMessageBuses made with clients from `create`, with short timeouts for tests. */
export function kafkaBusNetwork(create: (clientId: string) => KafkaClient): KafkaBusNetwork {
  const prefix = uniqueName('bus');
  const buses: KafkaMessageBus[] = [];
  const admin = create('evento-test-admin');
  return {
    prefix,
    serializes: true,
    connect(options: Partial<KafkaMessageBusOptions> = {}): KafkaMessageBus {
      const bus = new KafkaMessageBus({
        client: create(`evento-test-${buses.length}`),
        topicPrefix: prefix,
        partitions: 3,
        heartbeatIntervalMs: 200,
        instanceTimeoutMs: 2_000,
        sessionTimeoutMs: 6_000,
        onError: process.env.EVENTO_TEST_BUS_ERRORS ? (e) => console.error(e) : () => undefined,
        ...options,
      });
      buses.push(bus);
      return bus;
    },
    async cleanup(): Promise<void> {
      await Promise.all(buses.splice(0).map((bus: MessageBus) => bus.close()));
      const kafkaAdmin = admin.admin();
      await kafkaAdmin.connect();
      try {
        const topics = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith(prefix));
        await kafkaAdmin.deleteTopics(topics);
      } finally {
        await kafkaAdmin.disconnect();
      }
    },
  };
}
