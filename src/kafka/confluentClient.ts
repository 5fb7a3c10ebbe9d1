import { EventoError, InvalidArgumentError } from '../errors';
import { checkGroupId, checkPositions, checkTopicName, checkTopicSpecs, deleteExisting } from './arguments';
import { brokerUnavailableError, missingTopicError } from './clientErrors';
import { toIncoming, type ClientMessage } from './incoming';
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

/**
 * The part of `@confluentinc/kafka-javascript`'s KafkaJS-compatible API (`KafkaJS.Kafka`) this
 * adapter uses, typed here so that the package is needed only by those who choose it.
 */
export interface ConfluentKafkaJS {
  /** Creates the producer `ConfluentClient.producer()` wraps (acks = all, no topic auto-creation). */
  producer(config: object): ConfluentProducer;
  /**
   * Creates the consumer `ConfluentClient.consumer()` wraps. `config` carries a `rebalance_cb`: a
   * stand-in that drops it leaves `onGroupJoin` listeners uncalled.
   */
  consumer(config: object): ConfluentConsumer;
  /** Creates the admin client `ConfluentClient.admin()` wraps. */
  admin(): ConfluentAdmin;
}

/** The calls the adapter makes on a confluent producer (not exported: users pass a `KafkaJS.Kafka`). */
interface ConfluentProducer {
  connect(): Promise<void>;
  send(record: { topic: string; messages: object[] }): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** The calls the adapter makes on a confluent consumer. */
interface ConfluentConsumer {
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[] }): Promise<void>;
  run(config: {
    partitionsConsumedConcurrently: number;
    eachMessage: (payload: { topic: string; partition: number; message: ClientMessage }) => Promise<void>;
  }): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** The calls the adapter makes on a confluent admin client. */
interface ConfluentAdmin {
  connect(): Promise<void>;
  createTopics(options: { topics: object[] }): Promise<boolean>;
  deleteTopics(options: { topics: string[] }): Promise<void>;
  listTopics(): Promise<string[]>;
  listGroups(): Promise<{ groups: { groupId: string; protocolType: string }[] }>;
  disconnect(): Promise<void>;
}

/** librdkafka error codes that mean the broker could not be reached or the link broke. */
const UNREACHABLE_CODES = new Set([
  -195, // ERR__TRANSPORT
  -187, // ERR__ALL_BROKERS_DOWN
  -185, // ERR__TIMED_OUT
  -192, // ERR__MSG_TIMED_OUT
]);
/** librdkafka error codes that mean a topic does not exist. */
const NO_TOPIC_CODES = new Set([
  3, // UNKNOWN_TOPIC_OR_PART
  -188, // ERR__UNKNOWN_TOPIC
  -190, // ERR__UNKNOWN_PARTITION: a send to a topic deleted since the producer last saw it
  100, // UNKNOWN_TOPIC_ID
]);
/** librdkafka's code for "partitions assigned" in a rebalance callback. */
const ASSIGN_PARTITIONS = -175;

function errorCodeOf(error: unknown): number | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/** Maps a `@confluentinc/kafka-javascript` error as `mapKafkajsError` maps a kafkajs one. */
export function mapConfluentError(
  error: unknown,
  operation: string,
  topics: readonly string[] = [],
): unknown {
  if (error instanceof EventoError) return error;
  const code = errorCodeOf(error);
  if (code !== undefined && NO_TOPIC_CODES.has(code)) return missingTopicError(error, operation, topics);
  if (code !== undefined && UNREACHABLE_CODES.has(code))
    return brokerUnavailableError(error, operation, topics);
  return error;
}

async function mapped<T>(operation: string, topics: readonly string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw mapConfluentError(error, operation, topics);
  }
}

/**
 * `KafkaClient` on `@confluentinc/kafka-javascript` (librdkafka), through its KafkaJS-compatible
 * API. Give it a `KafkaJS.Kafka` configured as you need:
 *
 * ```ts
 * import { KafkaJS } from '@confluentinc/kafka-javascript';
 * const client = new ConfluentClient(new KafkaJS.Kafka({ kafkaJS: { brokers: ['127.0.0.1:9092'] } }));
 * ```
 *
 * Its producers partition keys with murmur2 as kafkajs and the Java client do, so instances on
 * either client agree on where a key goes.
 */
export class ConfluentClient implements KafkaClient {
  constructor(private readonly kafka: ConfluentKafkaJS) {}

  producer(options: KafkaProducerOptions = {}): KafkaProducer {
    return new ConfluentProducerAdapter(
      this.kafka.producer({
        kafkaJS: {
          acks: -1,
          allowAutoTopicCreation: false,
          ...(options.idempotent === true ? { idempotent: true } : {}),
        },
      }),
    );
  }

  consumer(options: KafkaConsumerOptions): KafkaConsumer {
    checkGroupId(options.groupId);
    const listeners = new Set<(join: GroupJoin) => void>();
    const consumer = this.kafka.consumer({
      kafkaJS: {
        groupId: options.groupId,
        fromBeginning: options.fromBeginning ?? false,
        autoCommit: false,
        allowAutoTopicCreation: false,
        ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeout: options.sessionTimeoutMs }),
        ...(options.heartbeatIntervalMs === undefined
          ? {}
          : { heartbeatInterval: options.heartbeatIntervalMs }),
        ...(options.maxWaitTimeMs === undefined ? {} : { maxWaitTimeInMs: options.maxWaitTimeMs }),
      },
      rebalance_cb: (error: unknown, assignment: { topic: string; partition: number }[]) => {
        if (errorCodeOf(error) !== ASSIGN_PARTITIONS) return;
        const byTopic: Record<string, number[]> = {};
        for (const { topic, partition } of assignment) (byTopic[topic] ??= []).push(partition);
        for (const list of Object.values(byTopic)) list.sort((a, b) => a - b);
        for (const listener of listeners) listener({ groupId: options.groupId, assignment: byTopic });
      },
    });
    return new ConfluentConsumerAdapter(consumer, options, listeners);
  }

  admin(): KafkaAdmin {
    return new ConfluentAdminAdapter(this.kafka.admin());
  }
}

class ConfluentProducerAdapter implements KafkaProducer {
  constructor(private readonly producer: ConfluentProducer) {}

  connect(): Promise<void> {
    return mapped('producer connect', [], () => this.producer.connect());
  }

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    checkTopicName(topic, 'send');
    if (messages.length === 0) return;
    await mapped('send', [topic], () =>
      this.producer.send({
        topic,
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })),
      }),
    );
  }

  disconnect(): Promise<void> {
    return mapped('producer disconnect', [], () => this.producer.disconnect());
  }
}

class ConfluentConsumerAdapter implements KafkaConsumer {
  private topics: string[] = [];
  private running = false;

  constructor(
    private readonly consumer: ConfluentConsumer,
    private readonly options: KafkaConsumerOptions,
    private readonly listeners: Set<(join: GroupJoin) => void>,
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
    await mapped('subscribe', topics, () => this.consumer.subscribe({ topics: [...topics] }));
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
    await mapped('run', this.topics, () =>
      this.consumer.run({
        partitionsConsumedConcurrently: this.options.concurrentPartitions ?? 1,
        eachMessage: ({ topic, partition, message }) => handle(toIncoming(topic, partition, message)),
      }),
    );
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
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async disconnect(): Promise<void> {
    await mapped('consumer disconnect', this.topics, () => this.consumer.disconnect());
    this.running = false;
  }
}

class ConfluentAdminAdapter implements KafkaAdmin {
  constructor(private readonly admin: ConfluentAdmin) {}

  connect(): Promise<void> {
    return mapped('admin connect', [], () => this.admin.connect());
  }

  async createTopics(topics: readonly TopicSpec[]): Promise<void> {
    checkTopicSpecs(topics, 'createTopics');
    await mapped(
      'createTopics',
      topics.map((t) => t.topic),
      async () => {
        const existing = new Set(await this.admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t.topic));
        if (missing.length === 0) return;
        await this.admin.createTopics({
          topics: missing.map((t) => ({
            topic: t.topic,
            numPartitions: t.partitions,
            configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
          })),
        });
      },
    );
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
