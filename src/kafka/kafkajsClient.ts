import {
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type Producer,
} from 'kafkajs';
import { InvalidArgumentError } from '../errors';
import { checkGroupId, checkPositions, checkTopicName, checkTopicSpecs, deleteExisting } from './arguments';
import type {
  CommitPosition,
  GroupJoin,
  GroupListing,
  IncomingMessage,
  KafkaAdmin,
  KafkaClient,
  KafkaConsumer,
  KafkaConsumerOptions,
  KafkaProducer,
  KafkaProducerOptions,
  OutgoingMessage,
  TopicSpec,
} from './kafkaClient';
import { toIncoming } from './incoming';
import { mapKafkajsError } from './kafkajsErrors';
import { untilLed, type ProbeAdmin } from './topicLeaders';

/** The retries of a kafkajs producer's send (kafkajs's own default for a producer that is not idempotent). */
const PRODUCER_RETRIES = 5;

/** Runs `call`, turning a kafkajs error into the framework's (see `mapKafkajsError`). */
async function mapped<T>(operation: string, topics: readonly string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw mapKafkajsError(error, operation, topics);
  }
}

/**
 * `KafkaClient` on kafkajs. Give it a `Kafka` instance configured as you need (brokers, client
 * id, TLS, SASL, logging):
 *
 * ```ts
 * const client = new KafkajsClient(new Kafka({ clientId: 'orders', brokers: ['127.0.0.1:9092'] }));
 * ```
 *
 * Producers partition keys with kafkajs's `DefaultPartitioner` (murmur2, as the Java client),
 * and neither producers nor consumers create topics on first use.
 */
export class KafkajsClient implements KafkaClient {
  constructor(private readonly kafka: Kafka) {}

  producer(options: KafkaProducerOptions = {}): KafkaProducer {
    return new KafkajsProducer(
      this.kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        // kafkajs retries an idempotent producer's sends without end unless told otherwise: keep
        // the bound its other producers have, so a send to a broker that is gone fails.
        ...(options.idempotent === true ? { idempotent: true, retry: { retries: PRODUCER_RETRIES } } : {}),
      }),
    );
  }

  consumer(options: KafkaConsumerOptions): KafkaConsumer {
    checkGroupId(options.groupId);
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeout: options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs === undefined
        ? {}
        : { heartbeatInterval: options.heartbeatIntervalMs }),
      ...(options.maxWaitTimeMs === undefined ? {} : { maxWaitTimeInMs: options.maxWaitTimeMs }),
    });
    return new KafkajsConsumer(consumer, options);
  }

  admin(): KafkaAdmin {
    return new KafkajsAdmin(this.kafka.admin(), () => this.kafka.admin());
  }
}

class KafkajsProducer implements KafkaProducer {
  constructor(private readonly producer: Producer) {}

  connect(): Promise<void> {
    return mapped('producer connect', [], () => this.producer.connect());
  }

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    checkTopicName(topic, 'send');
    if (messages.length === 0) return;
    await mapped('send', [topic], () =>
      this.producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })),
      }),
    );
  }

  disconnect(): Promise<void> {
    return mapped('producer disconnect', [], () => this.producer.disconnect());
  }
}

/** How long a consumer kafkajs gave up on waits before it runs again. */
const RESTART_AFTER_CRASH_MS = 1_000;

/** How often a batch being handled asks kafkajs whether a heartbeat is due. */
const HEARTBEAT_CHECK_MS = 100;

/**
 * Hands a fetched batch's messages to `handle` one after another, each once the one before it is
 * handled, as kafkajs's `eachMessage` does, but with a few promises per batch instead of about ten
 * per message: each handled message's offset is resolved, a heartbeat is offered every
 * {@link HEARTBEAT_CHECK_MS} (kafkajs sends it when its interval is due, and offers one itself
 * after each batch), and the batch stops at once when the consumer stops or the partition is
 * sought elsewhere, leaving the rest unresolved; a handler's error fails the batch with its
 * message unresolved. Unlike `eachMessage` it does not look for a paused partition (KafkaConsumer
 * cannot pause one), and a rebalance, which the heartbeat reports, is noticed up to
 * HEARTBEAT_CHECK_MS later: a partition being taken away may hand over a few more messages that
 * its next owner runs again (the bus's idempotency keys make a command's second run return the
 * first one's result).
 */
async function eachBatch(
  { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload,
  handle: (message: IncomingMessage) => Promise<void>,
): Promise<void> {
  let offered = Date.now();
  for (const message of batch.messages) {
    if (!isRunning() || isStale()) return;
    await handle(toIncoming(batch.topic, batch.partition, message));
    resolveOffset(message.offset);
    if (Date.now() - offered >= HEARTBEAT_CHECK_MS) {
      await heartbeat();
      offered = Date.now();
    }
  }
}

class KafkajsConsumer implements KafkaConsumer {
  private topics: string[] = [];
  private running = false;
  private disconnected = false;
  private restart: NodeJS.Timeout | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: KafkaConsumerOptions,
  ) {}

  connect(): Promise<void> {
    return mapped('consumer connect', [], () => this.consumer.connect());
  }

  async subscribe(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) {
      throw new InvalidArgumentError('subscribe: give at least one topic.', {
        context: { groupId: this.options.groupId },
      });
    }
    for (const topic of topics) checkTopicName(topic, 'subscribe');
    await mapped('subscribe', topics, () =>
      this.consumer.subscribe({ topics: [...topics], fromBeginning: this.options.fromBeginning ?? false }),
    );
    this.topics.push(...topics);
  }

  async run(handle: (message: IncomingMessage) => Promise<void>): Promise<void> {
    if (this.running) {
      throw new InvalidArgumentError(
        `run: the consumer of group ${this.options.groupId} already runs; create another consumer.`,
        {
          context: { groupId: this.options.groupId },
        },
      );
    }
    this.running = true;
    const config = {
      autoCommit: false,
      partitionsConsumedConcurrently: this.options.concurrentPartitions ?? 1,
      eachBatchAutoResolve: false,
      eachBatch: (payload: EachBatchPayload) => eachBatch(payload, handle),
    };
    // kafkajs restarts a crashed consumer only after errors it deems retriable; after any other
    // (a broker coming back can answer with one) it leaves the consumer stopped for good. This one
    // runs again until it is disconnected, so a bus carries on once the broker is back.
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (event.payload.restart || this.disconnected) return;
      clearTimeout(this.restart);
      this.restart = setTimeout(() => {
        this.restart = undefined;
        if (!this.disconnected) this.consumer.run(config).catch(() => undefined);
      }, RESTART_AFTER_CRASH_MS);
    });
    await mapped('run', this.topics, () => this.consumer.run(config));
  }

  async commit(positions: readonly CommitPosition[]): Promise<void> {
    checkPositions(positions);
    if (positions.length === 0) return;
    await mapped(
      'commit',
      positions.map((p) => p.topic),
      () =>
        this.consumer.commitOffsets(
          positions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset })),
        ),
    );
  }

  onGroupJoin(listener: (join: GroupJoin) => void): () => void {
    return this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      const { groupId, memberAssignment } = event.payload;
      listener({ groupId, assignment: memberAssignment });
    });
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
    clearTimeout(this.restart);
    this.restart = undefined;
    await mapped('consumer disconnect', this.topics, () => this.consumer.disconnect());
    this.running = false;
  }
}

class KafkajsAdmin implements KafkaAdmin {
  constructor(
    private readonly admin: Admin,
    /** Creates the short-lived admins `createTopics` reads offsets with (see `untilLed`). */
    private readonly probe: () => ProbeAdmin,
  ) {}

  connect(): Promise<void> {
    return mapped('admin connect', [], () => this.admin.connect());
  }

  async createTopics(topics: readonly TopicSpec[]): Promise<void> {
    checkTopicSpecs(topics, 'createTopics');
    const names = topics.map((t) => t.topic);
    await mapped('createTopics', names, async () => {
      const existing = new Set(await this.admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length === 0) return;
      await this.admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    });
    // Also the topics that existed: another instance may have created them a moment ago.
    await untilLed(this.admin, names, this.probe);
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) checkTopicName(topic, 'deleteTopics');
    await mapped('deleteTopics', topics, () => deleteExisting(topics, this.admin));
  }

  listTopics(): Promise<string[]> {
    return mapped('listTopics', [], () => this.admin.listTopics());
  }

  async listGroups(): Promise<GroupListing[]> {
    const { groups } = await mapped('listGroups', [], () => this.admin.listGroups());
    return groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType }));
  }

  disconnect(): Promise<void> {
    return mapped('admin disconnect', [], () => this.admin.disconnect());
  }
}
