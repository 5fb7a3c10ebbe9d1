/**
 * The few Kafka operations a message bus needs, independent of the client library behind them.
 * `KafkajsClient` implements them with kafkajs, `ConfluentClient` with
 * `@confluentinc/kafka-javascript`; either can be used wherever a `KafkaClient` is asked for.
 *
 * Errors: a broker that cannot be reached surfaces as `BrokerUnavailableError` (retriable), a
 * topic that does not exist as `ConfigurationError`, a bad argument as `InvalidArgumentError`;
 * anything else is the client's own error, unchanged.
 */
export interface KafkaClient {
  /**
   * A producer; call `connect()` before `send`. An implementation (or a wrapper of another) must
   * honour `options.idempotent`: the event relay relies on it so that the client's own retries
   * write nothing twice.
   */
  producer(options?: KafkaProducerOptions): KafkaProducer;
  /** A consumer in the group `options.groupId`; call `connect()`, `subscribe`, then `run`. */
  consumer(options: KafkaConsumerOptions): KafkaConsumer;
  /** An admin client for topics and groups; call `connect()` first. */
  admin(): KafkaAdmin;
}

/** A message to produce. */
export interface OutgoingMessage {
  /**
   * Picks the partition (murmur2 of the key, as the Java client does), so messages with one key
   * stay in order; `null` spreads messages over the partitions.
   */
  key: string | null;
  /** The payload, sent as given; a string is encoded as UTF-8. */
  value: Buffer | string;
  /** String headers; binary values are not part of this interface. */
  headers?: Readonly<Record<string, string>>;
}

/** Settings of a producer; they cannot change once it is created. */
export interface KafkaProducerOptions {
  /**
   * Idempotent writes (default false). The client retries a produce request that failed with a
   * transient error (a partition without a leader for a moment, a closed connection); kafkajs
   * sends the whole request again, so without idempotence the messages of the partitions that
   * had already taken them are written twice. With it, the broker recognises the batches it
   * already holds (by producer id and sequence number) and keeps one copy.
   *
   * Costs: one more request at `connect()`, and kafkajs sends one request at a time per broker.
   * After a `send` fails, disconnect the producer and create another before sending other
   * messages: the failed send's sequence numbers are reused by the next send, which the broker
   * could take for the failed batch and drop. (kafkajs logs a warning that limited retries may
   * invalidate exactly-once; replacing the producer after a failure is what keeps them valid.)
   */
  idempotent?: boolean;
}

/** Sends messages; `send` resolves once every in-sync replica has them (acks = all). */
export interface KafkaProducer {
  /**
   * Connects to the cluster; a broker that cannot be reached fails it with a retriable
   * `BrokerUnavailableError`.
   */
  connect(): Promise<void>;
  /** Appends `messages`, in this order, to `topic`; messages with one key keep their order. */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** Closes the producer's connections; call it on shutdown, as open connections keep the process alive. */
  disconnect(): Promise<void>;
}

/** Settings of a consumer; they cannot change once it is created. */
export interface KafkaConsumerOptions {
  /** The consumer group: the group's members share the partitions of the subscribed topics. */
  groupId: string;
  /**
   * Where a group with no committed offset for a partition starts: the oldest message (`true`)
   * or the next one produced (`false`, the default). A committed offset always wins.
   */
  fromBeginning?: boolean;
  /** Without a heartbeat for this long, the broker drops the member and rebalances (ms). */
  sessionTimeoutMs?: number;
  /** How often the member heartbeats (ms); well under `sessionTimeoutMs`. */
  heartbeatIntervalMs?: number;
  /**
   * How long the broker may hold a fetch that finds no new message, in ms (the client's default
   * otherwise, 5,000 for kafkajs). A new message ends the wait at once either way; a shorter wait
   * lets `disconnect` return sooner, for a few more idle fetches.
   */
  maxWaitTimeMs?: number;
  /**
   * How many partitions are handled at once (default 1). Messages of one partition are always
   * handled one at a time, in order.
   */
  concurrentPartitions?: number;
}

/** A consumed message. */
export interface IncomingMessage {
  /** The topic it was read from. */
  topic: string;
  /** The partition it was read from; messages are ordered only within one partition. */
  partition: number;
  /** This message's offset in its partition (a decimal string: offsets can exceed 2^53). */
  offset: string;
  /** The offset to commit once this message is handled: `offset + 1`. */
  nextOffset: string;
  /**
   * The key decoded as UTF-8, or `null` if it was produced without one; a binary key does not
   * survive the decoding.
   */
  key: string | null;
  /** The payload as produced, or `null` for a message without a value (a tombstone). */
  value: Buffer | null;
  /** Headers as UTF-8 strings; when a key repeats, the last value wins. */
  headers: Readonly<Record<string, string>>;
  /** The producer's or the broker's time, in ms since the epoch (a decimal string). */
  timestamp: string;
}

/** A position to commit: the offset of the next message the group should read in a partition. */
export interface CommitPosition {
  /** The topic the group reads. */
  topic: string;
  /** The partition of `topic`. */
  partition: number;
  /**
   * The next offset to read, as a decimal string: the handled message's `nextOffset`. Committing
   * its `offset` instead delivers that message again after a restart or a rebalance.
   */
  offset: string;
}

/** What a member was given when it joined (or rejoined) its group. */
export interface GroupJoin {
  /**
   * The group joined: the consumer's `groupId`. No member id comes with it (the confluent client
   * does not expose one).
   */
  groupId: string;
  /** The partitions assigned to this member, by topic. */
  assignment: Readonly<Record<string, readonly number[]>>;
}

/**
 * Reads messages as a member of a consumer group. Offsets are committed only by `commit`: a
 * message handled but not committed is delivered again after a restart or a rebalance.
 */
export interface KafkaConsumer {
  /** Connects to the cluster; call it before `subscribe`. */
  connect(): Promise<void>;
  /** Subscribes to `topics` (which must exist); call before `run`. */
  subscribe(topics: readonly string[]): Promise<void>;
  /**
   * Starts fetching and resolves once started, before the group is joined (see `onGroupJoin`).
   * `handle` is awaited for each message; messages of one partition come one at a time, in
   * order.
   *
   * WARNING: a `handle` that throws makes the client deliver the same message again (after a
   * backoff), and again, until it succeeds: catch what should not be retried.
   */
  run(handle: (message: IncomingMessage) => Promise<void>): Promise<void>;
  /** Commits positions for this consumer's group (`message.nextOffset` once a message is handled). */
  commit(positions: readonly CommitPosition[]): Promise<void>;
  /** Calls `listener` each time this member joins its group; returns a function that unsubscribes. */
  onGroupJoin(listener: (join: GroupJoin) => void): () => void;
  /** Leaves the group (a rebalance hands its partitions to the others) and closes the connections. */
  disconnect(): Promise<void>;
}

/** A topic to create. */
export interface TopicSpec {
  /** The topic's name, checked against {@link TOPIC_NAME_RULE} before the broker is asked. */
  topic: string;
  /** Messages are spread over these by key; changing the count later moves keys. */
  partitions: number;
  /** Topic-level broker settings, such as `retention.ms`. */
  config?: Readonly<Record<string, string>>;
}

/** A consumer group known to the broker. */
export interface GroupListing {
  /** The group's id, as consumers give it in `KafkaConsumerOptions.groupId`. */
  groupId: string;
  /** `consumer` for groups of consumers like `KafkaConsumer`; empty or other for other kinds. */
  protocolType: string;
}

/** Topic and group administration. */
export interface KafkaAdmin {
  /** Connects to the cluster; call it before the other methods. */
  connect(): Promise<void>;
  /**
   * Creates the topics that do not exist yet (existing ones are left as they are). `KafkajsClient`
   * then waits until every partition of every topic asked for has a leader that takes writes;
   * `ConfluentClient` resolves once the broker confirms the creation (librdkafka's producers and
   * consumers wait for the leaders themselves).
   */
  createTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Deletes the topics (those that do not exist are ignored). */
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** The names of the cluster's topics. */
  listTopics(): Promise<string[]>;
  /**
   * The groups the broker knows, of every kind (see `protocolType`). A group whose members have
   * all left stays listed while it has committed offsets.
   */
  listGroups(): Promise<GroupListing[]>;
  /** Closes the admin client's connections. */
  disconnect(): Promise<void>;
}
