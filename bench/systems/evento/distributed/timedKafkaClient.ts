import type {
  CommitPosition,
  GroupJoin,
  IncomingMessage,
  KafkaAdmin,
  KafkaClient,
  KafkaConsumer,
  KafkaConsumerOptions,
  KafkaProducer,
  KafkaProducerOptions,
  OutgoingMessage,
} from '../../../../src/kafka';
import { BusHeaders } from '../../../../src/kafka/busHeaders';
import { sampled, type Stamps } from './stamps';

/**
 * A KafkaClient that passes everything to `inner` and stamps the bus's requests and answers as
 * they cross Kafka: a request acknowledged (`acked`) and read (`received`), an answer
 * acknowledged (`replyAcked`) and read (`replied`). Requests carry their message id in a header;
 * answers only their reply address, matched to the request that named it.
 */
export class TimedKafkaClient implements KafkaClient {
  /** Reply address → message id, of the requests seen (sent or read) and not yet answered. */
  private readonly addresses = new Map<string, string>();

  constructor(
    private readonly inner: KafkaClient,
    private readonly stamps: Stamps,
  ) {}

  producer(options?: KafkaProducerOptions): KafkaProducer {
    const producer = this.inner.producer(options);
    return {
      connect: () => producer.connect(),
      disconnect: () => producer.disconnect(),
      send: async (topic: string, messages: readonly OutgoingMessage[]) => {
        for (const m of messages) this.learn(m.headers);
        await producer.send(topic, messages);
        for (const m of messages) this.seen(m.headers, 'acked', 'replyAcked');
      },
    };
  }

  consumer(options: KafkaConsumerOptions): KafkaConsumer {
    const consumer = this.inner.consumer(options);
    return {
      connect: () => consumer.connect(),
      subscribe: (topics: readonly string[]) => consumer.subscribe(topics),
      commit: (positions: readonly CommitPosition[]) => consumer.commit(positions),
      onGroupJoin: (listener: (join: GroupJoin) => void) => consumer.onGroupJoin(listener),
      disconnect: () => consumer.disconnect(),
      run: (handle: (message: IncomingMessage) => Promise<void>) =>
        consumer.run((message) => {
          this.learn(message.headers);
          this.seen(message.headers, 'received', 'replied');
          return handle(message);
        }),
    };
  }

  admin(): KafkaAdmin {
    return this.inner.admin();
  }

  private learn(headers: Readonly<Record<string, string>> | undefined): void {
    const address = headers?.[BusHeaders.replyTo];
    const id = headers?.[BusHeaders.messageId];
    if (address !== undefined && id !== undefined && sampled(id)) this.addresses.set(address, id);
  }

  /** Stamps a request as `request`, an answer as `answer` (and forgets its address once read). */
  private seen(
    headers: Readonly<Record<string, string>> | undefined,
    request: 'acked' | 'received',
    answer: 'replyAcked' | 'replied',
  ): void {
    const address = headers?.[BusHeaders.replyTo];
    if (address === undefined) return;
    const id = headers?.[BusHeaders.messageId];
    if (id !== undefined) {
      this.stamps.stamp(id, request);
      return;
    }
    const requestId = this.addresses.get(address);
    if (requestId === undefined) return;
    this.stamps.stamp(requestId, answer);
    this.addresses.delete(address);
  }
}
