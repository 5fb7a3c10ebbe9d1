/**
 * A kafkajs consumer that crashed without kafkajs restarting it (an error kafkajs does not deem
 * retriable) runs again by itself until it is disconnected: a bus carries on once the broker is
 * back. Against a stand-in for the kafkajs consumer, which lets the test crash it.
 */
import type { Kafka } from 'kafkajs';
import { KafkajsClient } from '../../src/kafka';
import { sleep } from '../support/waiting';

class CrashingConsumer {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  runs = 0;
  private readonly listeners = new Map<string, (event: unknown) => void>();

  on(event: string, listener: (event: unknown) => void): () => void {
    this.listeners.set(event, listener);
    return () => this.listeners.delete(event);
  }
  async connect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run(): Promise<void> {
    this.runs++;
  }
  async disconnect(): Promise<void> {}

  crash(restart: boolean): void {
    this.listeners.get(this.events.CRASH)?.({
      payload: { error: new Error('The group is rebalancing'), groupId: 'g', restart },
    });
  }
}

function consumerOn(crashing: CrashingConsumer) {
  const kafka = { consumer: () => crashing } as unknown as Kafka;
  return new KafkajsClient(kafka).consumer({ groupId: 'g' });
}

describe('a kafkajs consumer that crashed', () => {
  it('runs again when kafkajs gave up on it, and not when kafkajs restarts it itself', async () => {
    const crashing = new CrashingConsumer();
    const consumer = consumerOn(crashing);
    await consumer.subscribe(['t']);
    await consumer.run(async () => undefined);
    expect(crashing.runs).toBe(1);

    crashing.crash(true); // kafkajs restarts this one itself
    await sleep(1_300);
    expect(crashing.runs).toBe(1);

    crashing.crash(false);
    await sleep(1_300);
    expect(crashing.runs).toBe(2);
    await consumer.disconnect();
  });

  it('stays stopped once disconnected', async () => {
    const crashing = new CrashingConsumer();
    const consumer = consumerOn(crashing);
    await consumer.subscribe(['t']);
    await consumer.run(async () => undefined);
    crashing.crash(false);
    await consumer.disconnect(); // before the restart is due
    await sleep(1_300);
    crashing.crash(false);
    await sleep(1_300);
    expect(crashing.runs).toBe(1);
  });
});
