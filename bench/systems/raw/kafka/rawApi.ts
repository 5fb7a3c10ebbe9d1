import { randomUUID } from 'node:crypto';
import type { Batch, Consumer, Producer } from 'kafkajs';
import { kafka } from '../../../harness/kafka';
import { runJoined } from './joined';
import { OneInFlight } from './oneInFlight';
import { headerText, RAW_HEADERS, rawTopics, type RawAnswer, type RawKind } from './protocol';

/** How long a request waits for its answer before it fails. */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * The raw Kafka system's sending side: requests go to the request topic keyed by account id, one
 * produce request in flight, and their answers come back on this process's reply topic, matched
 * by correlation id. Needs its topics created first.
 */
export class RawKafkaApi {
  private readonly pending = new Map<string, { resolve: (v: number) => void; reject: (e: Error) => void }>();
  /** Correlation ids (also the commands' idempotency keys) are `<this API's id>-<n>`. */
  private readonly id = randomUUID();
  private next = 0;

  private constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly requests: OneInFlight,
    private readonly replyTopic: string,
  ) {}

  static async start(topicPrefix: string): Promise<RawKafkaApi> {
    const topics = rawTopics(topicPrefix);
    const client = kafka('evento-bench-raw-api');
    const producer = client.producer();
    const consumer = client.consumer({ groupId: topics.apiGroup, maxWaitTimeInMs: 200 });
    const api = new RawKafkaApi(
      producer,
      consumer,
      new OneInFlight(producer, topics.requests),
      topics.replies,
    );
    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [topics.replies], fromBeginning: true });
      // A reply topic of its own, read from where it joined: nothing to commit, as evento-ts's bus.
      await runJoined(consumer, { autoCommit: false, eachBatch: ({ batch }) => api.answered(batch) }, 60_000);
    } catch (error) {
      await api.close().catch(() => undefined);
      throw error;
    }
    return api;
  }

  /** Sends a request for account `id`; resolves to the answer's result, rejects on its error. */
  request(kind: RawKind, id: string, sentAt: number): Promise<number> {
    const correlation = `${this.id}-${this.next++}`;
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlation);
        reject(new Error(`no answer to raw ${kind} ${correlation} within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      this.pending.set(correlation, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.requests
        .send({
          key: id,
          value: JSON.stringify({ id, sentAt }),
          headers: {
            [RAW_HEADERS.kind]: kind,
            [RAW_HEADERS.correlation]: correlation,
            [RAW_HEADERS.replyTo]: this.replyTopic,
          },
        })
        .catch((error: unknown) => {
          this.pending.get(correlation)?.reject(error instanceof Error ? error : new Error(String(error)));
          this.pending.delete(correlation);
        });
    });
  }

  /** Fails the requests still waiting, and disconnects. */
  async close(): Promise<void> {
    for (const waiting of this.pending.values()) waiting.reject(new Error('the raw API closed'));
    this.pending.clear();
    try {
      await this.consumer.disconnect();
    } finally {
      await this.producer.disconnect();
    }
  }

  private async answered(batch: Batch): Promise<void> {
    for (const message of batch.messages) {
      const correlation = headerText(message.headers, RAW_HEADERS.correlation);
      const waiting = correlation === undefined ? undefined : this.pending.get(correlation);
      if (correlation === undefined || waiting === undefined) continue; // late: its caller gave up
      this.pending.delete(correlation);
      const answer = JSON.parse(message.value?.toString() ?? 'null') as RawAnswer;
      if ('error' in answer) waiting.reject(new Error(answer.error));
      else waiting.resolve(answer.result);
    }
  }
}
