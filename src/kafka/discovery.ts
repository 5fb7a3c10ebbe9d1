import { randomUUID } from 'node:crypto';
import { BrokerUnavailableError } from '../errors';
import { decodeDiscovery, encodeDiscovery, type DiscoveryRecord } from './announcement';
import type { BusTopics } from './busTopics';
import type { Directory } from './directory';
import { FETCH_WAIT_MS, runUntilJoined } from './groupJoin';
import type { IncomingMessage, KafkaClient, KafkaConsumer, OutgoingMessage } from './kafkaClient';

/** What Discovery needs from its bus. */
export interface DiscoveryDeps {
  readonly client: KafkaClient;
  readonly topics: BusTopics;
  readonly busId: string;
  readonly directory: Directory;
  readonly send: (topic: string, messages: readonly OutgoingMessage[]) => Promise<void>;
  readonly sessionTimeoutMs: number;
}

/**
 * Reads the discovery topic whole into the bus's Directory, and writes this bus's records to it.
 * The topic has one partition, so a bus that reads back a ping it wrote has read everything
 * written before it (`sync`).
 */
export class Discovery {
  private consumer: KafkaConsumer | undefined;
  private readonly pings = new Map<string, () => void>();
  private caughtUp = false;

  constructor(private readonly deps: DiscoveryDeps) {}

  async start(timeoutMs: number): Promise<void> {
    const { client, topics, busId, sessionTimeoutMs } = this.deps;
    const consumer = client.consumer({
      groupId: topics.privateGroup('discovery', busId),
      fromBeginning: true,
      sessionTimeoutMs,
      heartbeatIntervalMs: Math.max(100, Math.floor(sessionTimeoutMs / 5)),
      maxWaitTimeMs: FETCH_WAIT_MS,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe([topics.discovery]);
    await runUntilJoined(consumer, (m) => this.handle(m), timeoutMs, 'The discovery reader');
    await this.sync(timeoutMs);
    this.caughtUp = true;
  }

  /** Writes records, each keyed by its instance (the topic keeps the last record per key). */
  async publish(records: readonly DiscoveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.deps.send(
      this.deps.topics.discovery,
      records.map((r) => ({
        key: r.kind === 'ping' ? `ping.${r.busId}` : r.instanceId,
        value: encodeDiscovery(r),
      })),
    );
  }

  /** Resolves once this bus has read every record written before the call. */
  async sync(timeoutMs: number): Promise<void> {
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const seen = new Promise<void>((resolve, reject) => {
      this.pings.set(id, resolve);
      timer = setTimeout(
        () =>
          reject(
            new BrokerUnavailableError(
              `The bus could not read the discovery topic ${this.deps.topics.discovery} back within ${timeoutMs} ms; check that the broker runs.`,
              { context: { topic: this.deps.topics.discovery, timeoutMs } },
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await this.publish([{ kind: 'ping', busId: this.deps.busId, id }]);
      await seen;
    } finally {
      clearTimeout(timer);
      this.pings.delete(id);
    }
  }

  async stop(): Promise<void> {
    for (const resolve of this.pings.values()) resolve();
    await this.consumer?.disconnect();
  }

  private handle(message: IncomingMessage): Promise<void> {
    const record = decodeDiscovery(message.value);
    if (record === undefined) return Promise.resolve();
    const now = Date.now();
    const written = Number(message.timestamp);
    // While catching up, a record counts from when it was written; afterwards, from when it was
    // read (so that the clocks of other machines do not matter).
    const seenAt = this.caughtUp || !Number.isFinite(written) ? now : Math.min(now, written);
    if (record.kind === 'ping') {
      this.deps.directory.observe(seenAt);
      if (record.busId === this.deps.busId) this.pings.get(record.id)?.();
    } else if (record.kind === 'withdraw') {
      this.deps.directory.withdraw(record.instanceId);
    } else {
      this.deps.directory.announce(record, seenAt);
    }
    return Promise.resolve();
  }
}
