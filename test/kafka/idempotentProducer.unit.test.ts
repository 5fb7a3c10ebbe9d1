/**
 * Idempotent producers: what each client asks its library for, and how KafkaEventRelay uses one
 * (a new producer after a failed send, the topic checked once per connection). Against stand-ins
 * that record what they are asked; test/kafka/client.int.test.ts sends through them on the broker.
 */
import type { Kafka, ProducerConfig } from 'kafkajs';
import type { StoredEvent } from '../../src';
import {
  ConfluentClient,
  KafkaEventRelay,
  KafkajsClient,
  type ConfluentKafkaJS,
  type KafkaAdmin,
  type KafkaClient,
  type KafkaProducer,
  type KafkaProducerOptions,
  type OutgoingMessage,
} from '../../src/kafka';

/** A kafkajs `Kafka` that records the producer configs it is given. */
function kafkajsRecording(): { kafka: Kafka; configs: ProducerConfig[] } {
  const configs: ProducerConfig[] = [];
  const kafka = { producer: (config: ProducerConfig) => (configs.push(config), {}) } as unknown as Kafka;
  return { kafka, configs };
}

/** A confluent `KafkaJS.Kafka` that records the producer configs it is given. */
function confluentRecording(): { kafka: ConfluentKafkaJS; configs: { kafkaJS: Record<string, unknown> }[] } {
  const configs: { kafkaJS: Record<string, unknown> }[] = [];
  const kafka = {
    producer: (config: { kafkaJS: Record<string, unknown> }) => (configs.push(config), {}),
  } as unknown as ConfluentKafkaJS;
  return { kafka, configs };
}

describe('KafkaClient.producer({ idempotent })', () => {
  it('asks kafkajs for an idempotent producer with bounded retries, and for a plain one by default', () => {
    const { kafka, configs } = kafkajsRecording();
    const client = new KafkajsClient(kafka);
    client.producer({ idempotent: true });
    client.producer();
    client.producer({ idempotent: false });
    expect(configs[0]).toMatchObject({
      idempotent: true,
      retry: { retries: 5 },
      allowAutoTopicCreation: false,
    });
    for (const plain of configs.slice(1)) {
      expect(plain.idempotent).toBeUndefined();
      expect(plain.retry).toBeUndefined();
    }
  });

  it('asks the confluent client for enable.idempotence through its kafkaJS settings', () => {
    const { kafka, configs } = confluentRecording();
    const client = new ConfluentClient(kafka);
    client.producer({ idempotent: true });
    client.producer();
    expect(configs[0]?.kafkaJS).toEqual({ acks: -1, allowAutoTopicCreation: false, idempotent: true });
    expect(configs[1]?.kafkaJS).toEqual({ acks: -1, allowAutoTopicCreation: false });
  });
});

/** A KafkaClient whose producers fail the sends `failing` says, recording every call. */
class RecordingClient implements KafkaClient {
  readonly calls: string[] = [];
  readonly producerOptions: (KafkaProducerOptions | undefined)[] = [];
  readonly sent: string[][] = [];
  failing = false;
  connectFailing = false;

  producer(options?: KafkaProducerOptions): KafkaProducer {
    const id = this.producerOptions.push(options);
    return {
      connect: async () => {
        this.calls.push(`connect ${id}`);
        if (this.connectFailing) throw new Error('the broker cannot be reached');
      },
      disconnect: async () => void this.calls.push(`disconnect ${id}`),
      send: async (_topic: string, messages: readonly OutgoingMessage[]) => {
        this.calls.push(`send ${id}`);
        if (this.failing) throw new Error('the broker did not answer in time');
        this.sent.push(messages.map((m) => m.headers?.['evento-event-id'] ?? '?'));
      },
    };
  }

  consumer(): never {
    throw new Error('not used by the relay');
  }

  admin(): KafkaAdmin {
    const calls = this.calls;
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      createTopics: async () => void calls.push('createTopics'),
    } as unknown as KafkaAdmin;
  }
}

function event(sequenceNumber: number): StoredEvent {
  return {
    eventId: `0190a5b2-7c3e-7000-8000-00000000000${sequenceNumber}`,
    eventName: 'OrderPlaced',
    context: 'default',
    payload: '{"orderId":"o-1"}',
    metadata: {},
    createdAt: new Date(1_767_225_600_000),
    sequenceNumber,
    aggregateId: 'o-1',
    aggregateVersion: sequenceNumber,
  };
}

describe('KafkaEventRelay and its producer', () => {
  it('publishes through an idempotent producer, and replaces it after a failed send without checking the topic again', async () => {
    const client = new RecordingClient();
    const relay = new KafkaEventRelay({ client, topic: 'orders' });

    await relay.publish([event(1), event(2)]);
    client.failing = true;
    await expect(relay.publish([event(3)])).rejects.toThrow('the broker did not answer in time');
    client.failing = false;
    await relay.publish([event(3)]);
    await relay.publish([event(4)]);

    expect(client.producerOptions).toEqual([{ idempotent: true }, { idempotent: true }]);
    expect(client.calls).toEqual([
      'createTopics',
      'connect 1',
      'send 1',
      'send 1',
      'disconnect 1',
      'connect 2',
      'send 2',
      'send 2',
    ]);
    expect(client.sent).toEqual([
      [event(1).eventId, event(2).eventId],
      [event(3).eventId],
      [event(4).eventId],
    ]);
  });

  it('checks the topic again after close, with a new producer', async () => {
    const client = new RecordingClient();
    const relay = new KafkaEventRelay({ client, topic: 'orders' });
    await relay.publish([event(1)]);
    await relay.close();
    await relay.publish([event(2)]);
    expect(client.calls).toEqual([
      'createTopics',
      'connect 1',
      'send 1',
      'disconnect 1',
      'createTopics',
      'connect 2',
      'send 2',
    ]);
  });

  it('checks the topic again after a failed connect', async () => {
    const client = new RecordingClient();
    const relay = new KafkaEventRelay({ client, topic: 'orders' });
    client.connectFailing = true;
    await expect(relay.publish([event(1)])).rejects.toThrow('the broker cannot be reached');
    client.connectFailing = false;
    await relay.publish([event(1)]);
    expect(client.calls).toEqual([
      'createTopics',
      'connect 1',
      'disconnect 1',
      'createTopics',
      'connect 2',
      'send 2',
    ]);
  });

  it('checks the topic again when closed while it connects', async () => {
    const client = new RecordingClient();
    const relay = new KafkaEventRelay({ client, topic: 'orders' });
    const first = relay.publish([event(1)]);
    await relay.close();
    await first.catch(() => undefined); // sent, or failed as its producer was closed: either is fine
    await relay.publish([event(2)]);
    expect(client.calls.filter((c) => c === 'createTopics')).toHaveLength(2);
  });
});
