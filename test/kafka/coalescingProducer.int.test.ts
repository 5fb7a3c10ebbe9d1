/**
 * CoalescingProducer against the real broker: sends made while a request is in flight share the
 * next one, every send resolves, and the messages keep the order of the sends.
 */
import { CoalescingProducer } from '../../src/kafka/coalescingProducer';
import type { IncomingMessage, KafkaClient } from '../../src/kafka';
import { clientsUnderTest, describeWithKafka, TestTopics, uniqueName } from '../support/kafka';
import { eventually } from '../support/waiting';

jest.setTimeout(60_000);

describeWithKafka()('CoalescingProducer', () => {
  let client: KafkaClient;
  let topics: TestTopics;

  beforeAll(() => {
    client = (clientsUnderTest()[0] as NonNullable<ReturnType<typeof clientsUnderTest>[0]>).create(
      uniqueName('coalescing'),
    );
    topics = new TestTopics(client);
  });

  afterAll(async () => {
    await topics.deleteAll();
  });

  it('writes concurrent sends in fewer requests, in the order they were made', async () => {
    const topic = await topics.create('coalescing', 1);
    const inner = client.producer();
    let requests = 0;
    const producer = new CoalescingProducer({
      connect: () => inner.connect(),
      disconnect: () => inner.disconnect(),
      send: (t, messages) => {
        requests++;
        return inner.send(t, messages);
      },
    });
    await producer.connect();
    await Promise.all(
      Array.from({ length: 200 }, (_, seq) =>
        producer.send(topic, [{ key: `k${seq % 7}`, value: String(seq) }]),
      ),
    );
    await producer.disconnect();
    expect(requests).toBeLessThan(200);

    const received: IncomingMessage[] = [];
    const consumer = client.consumer({
      groupId: uniqueName('coalescing'),
      fromBeginning: true,
      maxWaitTimeMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe([topic]);
    await consumer.run(async (m) => {
      received.push(m);
    });
    try {
      await eventually(() => received.length >= 200, { what: '200 messages read', timeoutMs: 30_000 });
    } finally {
      await consumer.disconnect();
    }
    expect(received.map((m) => Number(m.value?.toString('utf8')))).toEqual(
      Array.from({ length: 200 }, (_, seq) => seq),
    );
  });
});
