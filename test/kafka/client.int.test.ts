/**
 * The KafkaClient seam against a real broker, for each client implementation installed: keyed
 * messages with headers in order per key, consumer group membership, manual commits and resuming
 * after a restart, topic administration, and the errors the seam promises.
 */
import { BrokerUnavailableError, ConfigurationError } from '../../src';
import type {
  GroupJoin,
  IncomingMessage,
  KafkaClient,
  KafkaConsumer,
  KafkaConsumerOptions,
} from '../../src/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { clientsUnderTest, describeWithKafka, KAFKA_BROKERS, TestTopics, uniqueName } from '../support/kafka';
import { eventually } from '../support/waiting';

jest.setTimeout(60_000);

/** Resolves once `condition()` holds, checking every 20 ms; rejects after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const implementation of clientsUnderTest()) {
  describeWithKafka()(`KafkaClient on ${implementation.name}`, () => {
    let client: KafkaClient;
    let topics: TestTopics;
    const consumers: KafkaConsumer[] = [];

    /** A connected consumer of `topic`, closed after the test (unless the test closes it). */
    async function consume(
      topic: string,
      options: KafkaConsumerOptions,
      handle: (message: IncomingMessage, consumer: KafkaConsumer) => Promise<void>,
      joins: GroupJoin[] = [],
    ): Promise<KafkaConsumer> {
      const consumer = client.consumer({
        sessionTimeoutMs: 6000,
        heartbeatIntervalMs: 500,
        maxWaitTimeMs: 100, // a short long-poll: a kafkajs consumer waits for it to end when it disconnects
        ...options,
      });
      consumers.push(consumer);
      consumer.onGroupJoin((join) => joins.push(join));
      await consumer.connect();
      await consumer.subscribe([topic]);
      await consumer.run((message) => handle(message, consumer));
      return consumer;
    }

    async function produce(
      topic: string,
      messages: Parameters<ReturnType<KafkaClient['producer']>['send']>[1],
    ) {
      const producer = client.producer();
      await producer.connect();
      try {
        await producer.send(topic, messages);
      } finally {
        await producer.disconnect();
      }
    }

    beforeAll(() => {
      client = implementation.create(uniqueName('client'));
      topics = new TestTopics(client);
    });

    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
    });

    afterAll(async () => {
      await topics.deleteAll();
    });

    it('delivers keyed messages with their headers, in the order sent for each key', async () => {
      const topic = await topics.create('order', 3);
      const keys = ['order-a', 'order-b', 'order-c', 'order-d'];
      const producer = client.producer();
      await producer.connect();
      for (let batch = 0; batch < 5; batch += 1) {
        await producer.send(
          topic,
          Array.from({ length: 20 }, (_, i) => {
            const seq = batch * 20 + i;
            const key = keys[seq % keys.length]!;
            return { key, value: JSON.stringify({ key, seq }), headers: { seq: String(seq), 'x-key': key } };
          }),
        );
      }
      await producer.disconnect();

      const received: IncomingMessage[] = [];
      await consume(
        topic,
        { groupId: uniqueName('order'), fromBeginning: true, concurrentPartitions: 3 },
        async (m) => {
          received.push(m);
        },
      );
      await until(() => received.length >= 100, '100 messages arrived');

      expect(received).toHaveLength(100);
      for (const key of keys) {
        const ofKey = received.filter((m) => m.key === key);
        const seqs = ofKey.map((m) => (JSON.parse(m.value!.toString('utf8')) as { seq: number }).seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(seqs).toHaveLength(25);
        expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1);
        for (const m of ofKey) {
          expect(m.headers).toEqual({
            seq: String((JSON.parse(m.value!.toString('utf8')) as { seq: number }).seq),
            'x-key': key,
          });
          expect(m.nextOffset).toBe(String(Number(m.offset) + 1));
        }
      }
    });

    it('tells a member the partitions it was given when it joins, and splits them when a second member joins', async () => {
      const topic = await topics.create('group', 4);
      const groupId = uniqueName('group');
      const joinsA: GroupJoin[] = [];
      const joinsB: GroupJoin[] = [];
      const noop = async () => undefined;

      await consume(topic, { groupId }, noop, joinsA);
      await until(() => joinsA.length > 0, 'the first member joined');
      expect(joinsA[0]).toMatchObject({ groupId, assignment: { [topic]: [0, 1, 2, 3] } });

      await consume(topic, { groupId }, noop, joinsB);
      await until(() => joinsA.length > 1 && joinsB.length > 0, 'both members joined after the rebalance');
      const a = [...(joinsA[joinsA.length - 1]!.assignment[topic] ?? [])];
      const b = [...(joinsB[joinsB.length - 1]!.assignment[topic] ?? [])];
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      expect([...a, ...b].sort()).toEqual([0, 1, 2, 3]);

      const admin = client.admin();
      await admin.connect();
      try {
        expect(await admin.listGroups()).toContainEqual({ groupId, protocolType: 'consumer' });
      } finally {
        await admin.disconnect();
      }
    });

    it('resumes a restarted consumer after its last committed offset, delivering the handled but uncommitted messages again', async () => {
      const topic = await topics.create('resume', 1);
      const groupId = uniqueName('resume');
      await produce(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: `m${i}` })),
      );

      const first: string[] = [];
      const consumer = await consume(topic, { groupId, fromBeginning: true }, async (m, c) => {
        first.push(m.value!.toString('utf8'));
        if (Number(m.offset) < 4)
          await c.commit([{ topic: m.topic, partition: m.partition, offset: m.nextOffset }]);
      });
      await until(() => first.length >= 6, 'the first consumer handled six messages');
      await consumer.disconnect();
      consumers.splice(consumers.indexOf(consumer), 1);

      const second: IncomingMessage[] = [];
      await consume(topic, { groupId, fromBeginning: true }, async (m) => {
        second.push(m);
      });
      await until(() => second.length >= 6, 'the restarted consumer read to the end');
      expect(second[0]!.offset).toBe('4');
      expect(second.map((m) => m.value!.toString('utf8'))).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    });

    it('creates a topic once: creating it again and deleting a missing one are no-ops', async () => {
      const topic = await topics.create('admin', 2);
      const admin = client.admin();
      await admin.connect();
      try {
        await admin.createTopics([{ topic, partitions: 5 }]);
        expect(await admin.listTopics()).toContain(topic);
        await admin.deleteTopics([uniqueName('never-created')]);
      } finally {
        await admin.disconnect();
      }
    });

    it('keeps an admin working after a topic it created is deleted by another', async () => {
      const [mine, other] = [client.admin(), client.admin()];
      await Promise.all([mine.connect(), other.connect()]);
      const [first, second] = [uniqueName('deleted-elsewhere'), uniqueName('after')];
      try {
        await mine.createTopics([{ topic: first, partitions: 2 }]);
        await other.deleteTopics([first]);
        await mine.createTopics([{ topic: second, partitions: 2 }]);
        expect(await mine.listTopics()).toContain(second);
        await mine.deleteTopics([second]);
        expect(await mine.listTopics()).not.toContain(second);
      } finally {
        await other.deleteTopics([first, second]).catch(() => undefined);
        await Promise.all([mine.disconnect(), other.disconnect()]);
      }
    });

    it('creates topics from several admins at once, a shared one among them, and each is usable when it resolves', async () => {
      // As instances of a bundle starting together do: each creates the shared topic and its own.
      const admins = [1, 2, 3, 4].map(() => client.admin());
      await Promise.all(admins.map((a) => a.connect()));
      const created: string[] = [];
      try {
        for (let round = 0; round < 5; round++) {
          const shared = uniqueName('shared');
          const own = admins.map(() => uniqueName('own'));
          created.push(shared, ...own);
          await Promise.all(
            admins.map((admin, i) =>
              admin.createTopics([
                { topic: shared, partitions: 3 },
                { topic: own[i]!, partitions: 1 },
              ]),
            ),
          );
          const producer = client.producer();
          await producer.connect();
          try {
            for (const topic of [shared, ...own])
              await producer.send(topic, [{ key: 'k', value: Buffer.from('v') }]);
          } finally {
            await producer.disconnect();
          }
        }
      } finally {
        await admins[0]!.deleteTopics(created).catch(() => undefined);
        await Promise.all(admins.map((a) => a.disconnect()));
      }
    });

    /** Messages written to `topic`, all partitions together (from the partitions' end offsets). */
    async function writtenTo(topic: string): Promise<number[]> {
      const offsets = new Kafka({ brokers: [...KAFKA_BROKERS], logLevel: logLevel.NOTHING }).admin();
      await offsets.connect();
      try {
        return (await offsets.fetchTopicOffsets(topic)).map((p) => Number(p.high));
      } finally {
        await offsets.disconnect();
      }
    }

    /** Sends 12 keyed messages (over the 3 partitions of `create()`'s topic) the moment it resolves. */
    async function sendOnCreation(create: () => Promise<string>, idempotent: boolean): Promise<void> {
      const producer = client.producer({ idempotent });
      await producer.connect();
      let topic = '';
      try {
        topic = await create();
        await producer.send(
          topic,
          Array.from({ length: 12 }, (_, i) => ({ key: `key-${i}`, value: Buffer.from(`v${i}`) })),
        );
      } finally {
        await producer.disconnect();
      }
      const written = await writtenTo(topic);
      expect(written.reduce((sum, n) => sum + n, 0)).toBe(12);
      expect(written.filter((n) => n > 0).length).toBeGreaterThan(1); // the request spanned partitions
    }

    // A leader named in the metadata of a topic created a moment ago can refuse writes to its
    // partition ("not the leader") while the other partitions take theirs; kafkajs then sends the
    // whole produce request again, and a producer that is not idempotent writes those twice. The
    // race is the broker's: these tests catch a regression only when it happens in one of their
    // rounds, as it did in most runs on a loaded machine. (librdkafka retries each partition's
    // messages on their own, so the confluent client passes them either way.)

    it('creates topics that take writes when createTopics resolves: a send right after writes each message once', async () => {
      for (let round = 0; round < 8; round++) {
        await sendOnCreation(() => topics.create('ready', 3), false);
      }
    });

    it('writes each message once from an idempotent producer, also to partitions that refuse writes for a moment', async () => {
      // Sent to once the metadata names the leaders, as kafkajs's own wait does, which is not
      // yet when they take writes.
      const admin = new Kafka({ brokers: [...KAFKA_BROKERS], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const created: string[] = [];
      try {
        for (let round = 0; round < 8; round++) {
          await sendOnCreation(async () => {
            const topic = uniqueName('idempotent');
            created.push(topic);
            await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: false });
            await eventually(
              async () => {
                const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
                return metadata?.topics[0]?.partitions.every((p) => p.leader >= 0) ?? false;
              },
              { timeoutMs: 30_000, intervalMs: 20, what: `every partition of ${topic} has a leader` },
            );
            return topic;
          }, true);
        }
      } finally {
        await admin.deleteTopics({ topics: created }).catch(() => undefined);
        await admin.disconnect();
      }
    });

    it('refuses to send to a topic that does not exist with a ConfigurationError naming it', async () => {
      const missing = uniqueName('missing');
      const error: unknown = await produce(missing, [{ key: 'k', value: 'v' }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain(missing);
      expect((error as Error).message).toContain('createTopics');
      const admin = client.admin();
      await admin.connect();
      try {
        expect(await admin.listTopics()).not.toContain(missing);
      } finally {
        await admin.disconnect();
      }
    });

    it('reports a broker that cannot be reached as a retriable BrokerUnavailableError', async () => {
      const unreachable = implementation.create(uniqueName('unreachable'), ['127.0.0.1:1']);
      const producer = unreachable.producer();
      const error: unknown = await producer.connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BrokerUnavailableError);
      expect((error as BrokerUnavailableError).retriable).toBe(true);
      await producer.disconnect().catch(() => undefined);
    });
  });
}
