import type { EventRelay, RelaySettings } from '../consumers/eventRelay';
import type { StoredEvent } from '../stores/eventStore';
import type { KafkaClient, KafkaProducer } from './kafkaClient';
import { relayedMessage } from './relayedEvent';
import { checkRelayOptions } from './relayOptions';
import { ensureRelayTopic } from './relayTopic';

/** Settings of a `KafkaEventRelay`. */
export interface KafkaEventRelayOptions {
  /** The Kafka client the relay produces (and creates its topic) with. */
  readonly client: KafkaClient;
  /** The topic events are published to. */
  readonly topic: string;
  /**
   * Create the topic when it is missing (default true), with `partitions` partitions; false: only
   * check that it exists (a missing topic is then a ConfigurationError, retried until it exists).
   * An existing topic is left as it is.
   */
  readonly createTopic?: boolean;
  /**
   * Partitions of a topic the relay creates; default 1 (one total order). Events are keyed by
   * aggregate id, so each aggregate's events stay in one partition, in order.
   */
  readonly partitions?: number;
  /** Topic-level settings of a topic the relay creates, such as `retention.ms` or `max.message.bytes`. */
  readonly topicConfig?: Readonly<Record<string, string>>;
  /**
   * Only events of these payload names (their `@PayloadName`, else their class name); default
   * every event. The offset moves past the others.
   */
  readonly events?: readonly string[];
  /** The relay's name in its consumer id, `bundleId_<name>_<version>_*`; default `relay-<topic>`. */
  readonly name?: string;
  /** Bump it to start a new consumer, which publishes again from `startFrom`. Default 1. */
  readonly version?: number;
  /** Where a new relay starts: `'beginning'` (default, every stored event) or `'head'`. */
  readonly startFrom?: 'beginning' | 'head';
  /**
   * Events fetched and sent per producer call; default 500. Keep a batch's bytes per partition
   * under the broker's `message.max.bytes` (1 MiB by default): a batch the broker refuses is sent
   * again one event at a time.
   */
  readonly batchSize?: number;
  /**
   * The first delay after a send the broker refused, in ms, doubled each time up to 30 s; default
   * 100. A broker that cannot be reached is retried the same way from 100 ms.
   */
  readonly retryDelayMs?: number;
}

/**
 * Publishes the event store, in order, to a Kafka topic, for services that are not evento bundles:
 * add it with `builder.addEventRelay(new KafkaEventRelay({ client, topic }))`. The bundle runs it
 * as a consumer (a lease, so one instance publishes at a time; its offset in the consumer state
 * store; `bundle.consumers()`, `untilIdle()`, metrics). Each fetched batch is one send of an
 * idempotent producer (acks = all), and the offset moves only once the broker acknowledged it.
 *
 * Messages: key = aggregate id (null for a service event), value = {@link RelayedEvent} as JSON,
 * headers = {@link RelayHeaders} plus the event's metadata.
 *
 * WARNING: delivery is at least once. After a crash, a lost lease or a send that failed midway,
 * the events after the last committed offset are published again, in order: readers deduplicate
 * on the event id (`evento-event-id`).
 */
export class KafkaEventRelay implements EventRelay {
  /** The relay's name in its consumer id. */
  readonly name: string;
  /** How its consumer runs. */
  readonly settings: RelaySettings;
  /** The topic it publishes to. */
  readonly topic: string;
  private readonly client: KafkaClient;
  private readonly events: ReadonlySet<string> | undefined;
  private readonly topicSpec: {
    create: boolean;
    partitions: number;
    config: Readonly<Record<string, string>>;
  };
  private producer: Promise<KafkaProducer> | undefined;
  /** How many times `close` ran. */
  private closes = 0;
  /**
   * `closes` when a producer last connected after `ensureRelayTopic` passed: the topic is checked
   * again once a `close` ran since (also one that overlapped that connect).
   */
  private checkedAtClose: number | undefined;

  /** Checks the options (a ConfigurationError or InvalidArgumentError says which is wrong). */
  constructor(options: KafkaEventRelayOptions) {
    const checked = checkRelayOptions(options);
    this.client = options.client;
    this.topic = options.topic;
    this.name = checked.name;
    this.settings = checked.settings;
    this.events = checked.events;
    this.topicSpec = checked.topic;
  }

  /** Whether events stored under `eventName` are published (see the `events` option). */
  relays(eventName: string): boolean {
    return this.events === undefined || this.events.has(eventName);
  }

  /**
   * Sends `events` to the topic in one producer call, in order; resolves once every in-sync
   * replica has them. The first call (and the first after a failure to connect, or after `close`)
   * makes sure the topic exists and connects the producer. The producer is idempotent: the broker
   * drops the copies that the client's own retries of a request carry. A send that fails
   * disconnects it, and the next call connects a new one (without checking the topic again).
   */
  async publish(events: readonly StoredEvent[]): Promise<void> {
    const messages = events.map(relayedMessage);
    const opening = this.connected();
    const producer = await opening;
    try {
      await producer.send(this.topic, messages);
    } catch (error) {
      // The failed batch's sequence numbers would be reused: the next publish gets a new producer.
      if (this.producer === opening) this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Disconnects the producer, if connected; a later `publish` checks the topic and connects again. */
  async close(): Promise<void> {
    const opening = this.producer;
    this.producer = undefined;
    this.closes++;
    const producer = await opening?.catch(() => undefined);
    await producer?.disconnect();
  }

  private connected(): Promise<KafkaProducer> {
    if (this.producer === undefined) {
      const opening = this.open();
      this.producer = opening;
      opening.catch(() => {
        if (this.producer === opening) this.producer = undefined;
      });
    }
    return this.producer;
  }

  private async open(): Promise<KafkaProducer> {
    const closes = this.closes;
    if (this.checkedAtClose !== closes) await ensureRelayTopic(this.client, this.topic, this.topicSpec);
    const producer = this.client.producer({ idempotent: true });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.checkedAtClose = closes;
    return producer;
  }
}
