import { InvalidArgumentError } from '../../src';
import { KafkajsClient } from '../../src/kafka';
import { Kafka } from 'kafkajs';

/** A client that is never connected: every check below fails before any network call. */
const client = new KafkajsClient(new Kafka({ brokers: ['127.0.0.1:1'] }));

describe('KafkaClient argument checks', () => {
  it.each(['', 'has space', 'a/b', '.', '..', 'x'.repeat(250)])(
    'refuses the topic name %j',
    async (topic) => {
      const error: unknown = await client
        .producer()
        .send(topic, [{ key: 'k', value: 'v' }])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain('a-z A-Z 0-9 . _ -');
    },
  );

  it.each([0, -1, 1.5])('refuses to create a topic with %p partitions', async (partitions) => {
    const error: unknown = await client
      .admin()
      .createTopics([{ topic: 'fine', partitions }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain('at least 1');
  });

  it('refuses a consumer without a group id', () => {
    expect(() => client.consumer({ groupId: ' ' })).toThrow(InvalidArgumentError);
  });

  it.each(['-1', '1.0', 'abc', ''])('refuses to commit the offset %j', async (offset) => {
    const consumer = client.consumer({ groupId: 'g' });
    const error: unknown = await consumer
      .commit([{ topic: 't', partition: 0, offset }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain('nextOffset');
  });

  it('refuses to subscribe to no topic', async () => {
    await expect(client.consumer({ groupId: 'g' }).subscribe([])).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
