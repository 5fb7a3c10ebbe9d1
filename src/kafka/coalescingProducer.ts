import type { KafkaProducer, OutgoingMessage } from './kafkaClient';

/** One `send` call waiting for its topic's next write. */
interface Waiting {
  readonly messages: readonly OutgoingMessage[];
  readonly bytes: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * How many bytes of values one coalesced write carries at most (a `send` larger than this goes
 * alone): a broker refuses a record batch over its `message.max.bytes` (1 MiB by default).
 */
export const COALESCED_BYTES = 512 * 1024;

/**
 * A KafkaProducer that writes each topic's messages one request at a time: sends made while a
 * topic's request is in flight wait and go together in its next request (up to
 * {@link COALESCED_BYTES}). An idle topic's message is written at once, so a lone request waits
 * for nothing; under load, one produce request (and one acknowledgement) carries many messages
 * instead of one each. Messages keep the order of their `send` calls within a topic. Each send
 * resolves once its request is acknowledged, or rejects with that request's error (every message
 * of the request shares it).
 *
 * WARNING: `disconnect` does not wait for messages still waiting; callers stop sending first.
 */
export class CoalescingProducer implements KafkaProducer {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly writing = new Set<string>();

  constructor(private readonly inner: KafkaProducer) {}

  connect(): Promise<void> {
    return this.inner.connect();
  }

  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }

  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let queue = this.waiting.get(topic);
      if (queue === undefined) {
        queue = [];
        this.waiting.set(topic, queue);
      }
      queue.push({ messages, bytes: sizeOf(messages), resolve, reject });
      if (!this.writing.has(topic)) this.write(topic);
    });
  }

  /** Writes what waits for `topic` (up to the size limit), then again while more waits. */
  private write(topic: string): void {
    const queue = this.waiting.get(topic);
    if (queue === undefined || queue.length === 0) {
      this.waiting.delete(topic);
      this.writing.delete(topic);
      return;
    }
    let bytes = 0;
    let count = 0;
    while (count < queue.length) {
      const next = (queue[count] as Waiting).bytes;
      if (count > 0 && bytes + next > COALESCED_BYTES) break;
      bytes += next;
      count++;
    }
    const batch = queue.splice(0, count);
    this.writing.add(topic);
    this.inner
      .send(
        topic,
        batch.flatMap((w) => w.messages),
      )
      .then(
        () => {
          for (const sender of batch) sender.resolve();
          this.write(topic);
        },
        (error: unknown) => {
          for (const sender of batch) sender.reject(error);
          this.write(topic);
        },
      );
  }
}

function sizeOf(messages: readonly OutgoingMessage[]): number {
  let bytes = 0;
  for (const m of messages) bytes += m.value.length + (m.key?.length ?? 0) + 64;
  return bytes;
}
