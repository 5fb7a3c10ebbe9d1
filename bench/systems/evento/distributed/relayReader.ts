/**
 * Reads a KafkaEventRelay's topic from the beginning with a kafkajs consumer, as a service outside
 * evento would: each message's event id (header), sequence number and aggregate version, whether
 * it repeats an event already read, and whether it came after a later event of its aggregate.
 */
import type { Consumer, IHeaders } from 'kafkajs';
import { RelayHeaders } from '../../../../src/kafka';
import { kafka } from '../../../harness/kafka';

/** One message read from the topic. */
interface ReadMessage {
  readonly sequenceNumber: number;
  readonly eventId: string;
  /** Read for the first time after an event of the same aggregate with a higher version. */
  readonly outOfOrder: boolean;
}

/** What the topic held of the events after a sequence number. */
export interface TopicFigures {
  /** Distinct event ids. */
  readonly delivered: number;
  /** Messages beyond the first of each event id. */
  readonly duplicates: number;
  readonly outOfOrder: number;
}

export class RelayReader {
  private readonly messages: ReadMessage[] = [];
  private readonly ids = new Set<string>();
  /** Per aggregate, the highest version read. */
  private readonly versions = new Map<string, number>();
  /** The highest sequence number read so far (0: none). */
  highest = 0;

  private constructor(
    private readonly consumer: Consumer,
    private readonly onEvent: (sequenceNumber: number, sentAt: number) => void,
  ) {}

  /**
   * Starts reading `topic` (which must exist) in the consumer group `<topicPrefix>.reader`;
   * `onEvent` is called for each message with its sequence number and the `sentAt` of its payload
   * (0 when it has none).
   */
  static async start(
    topicPrefix: string,
    topic: string,
    onEvent: (sequenceNumber: number, sentAt: number) => void,
  ): Promise<RelayReader> {
    const consumer = kafka('evento-bench-relay-reader').consumer({
      groupId: `${topicPrefix}.reader`,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
    });
    const reader = new RelayReader(consumer, onEvent);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => reader.read(message.headers ?? {}, message.value),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    return reader;
  }

  /** The figures of the events after sequence number `after`, from what was read so far. */
  figures(after: number): TopicFigures {
    const mine = this.messages.filter((m) => m.sequenceNumber > after);
    const delivered = new Set(mine.map((m) => m.eventId)).size;
    return {
      delivered,
      duplicates: mine.length - delivered,
      outOfOrder: mine.filter((m) => m.outOfOrder).length,
    };
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }

  private read(headers: IHeaders, value: Buffer | null): void {
    const eventId = header(headers, RelayHeaders.eventId);
    const sequenceNumber = Number(header(headers, RelayHeaders.sequenceNumber));
    const aggregateId = header(headers, RelayHeaders.aggregateId);
    const version = Number(header(headers, RelayHeaders.aggregateVersion));
    const repeat = this.ids.has(eventId);
    const highest = this.versions.get(aggregateId) ?? 0;
    const outOfOrder = !repeat && aggregateId !== '' && version <= highest;
    if (version > highest) this.versions.set(aggregateId, version);
    this.ids.add(eventId);
    this.messages.push({ sequenceNumber, eventId, outOfOrder });
    this.highest = Math.max(this.highest, sequenceNumber);
    this.onEvent(sequenceNumber, sentAtOf(value));
  }
}

function header(headers: IHeaders, name: string): string {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? '' : first.toString();
}

/** The `sentAt` field of a relayed Deposited event's payload, else 0. */
function sentAtOf(value: Buffer | null): number {
  const payload = (JSON.parse(value?.toString('utf8') ?? '{}') as { payload?: { sentAt?: unknown } }).payload;
  return typeof payload?.sentAt === 'number' ? payload.sentAt : 0;
}
