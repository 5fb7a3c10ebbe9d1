import type { KafkaProducer, OutgoingMessage } from './kafkaClient';

/** Messages waiting for their topic's next write, with their senders. */
interface Pending {
  readonly messages: OutgoingMessage[];
  readonly senders: { resolve(): void; reject(error: unknown): void }[];
}

/**
 * A KafkaProducer that writes each topic's messages one request at a time: sends made while a
 * topic's request is in flight wait and go together in its next request. An idle topic's message
 * is written at once, so a lone request waits for nothing; under load, one produce request (and
 * one acknowledgement) carries many messages instead of one each. Messages keep the order of
 * their `send` calls within a topic. Each send resolves once its request is acknowledged, or
 * rejects with that request's error (every message of the request shares it).
 *
 * WARNING: `disconnect` does not wait for messages still waiting; callers stop sending first.
 */
export class CoalescingProducer implements KafkaProducer {
  private readonly waiting = new Map<string, Pending>();
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
      let pending = this.waiting.get(topic);
      if (pending === undefined) {
        pending = { messages: [], senders: [] };
        this.waiting.set(topic, pending);
      }
      pending.messages.push(...messages);
      pending.senders.push({ resolve, reject });
      if (!this.writing.has(topic)) this.write(topic);
    });
  }

  /** Writes what waits for `topic`, then again while more came meanwhile. */
  private write(topic: string): void {
    const pending = this.waiting.get(topic);
    if (pending === undefined) {
      this.writing.delete(topic);
      return;
    }
    this.waiting.delete(topic);
    this.writing.add(topic);
    this.inner.send(topic, pending.messages).then(
      () => {
        for (const sender of pending.senders) sender.resolve();
        this.write(topic);
      },
      (error: unknown) => {
        for (const sender of pending.senders) sender.reject(error);
        this.write(topic);
      },
    );
  }
}
