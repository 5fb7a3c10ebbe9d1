/**
 * How KafkajsClient hands kafkajs's fetched batches to a consumer's handler: one message at a time
 * in order, each offset resolved once its message is handled, heartbeats offered while a long batch
 * is handled, and nothing resolved past the point where the consumer stopped. Against a stand-in
 * for the kafkajs consumer that captures the run configuration (the broker suites cover the rest).
 */
import type { ConsumerRunConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { KafkajsClient, type IncomingMessage } from '../../src/kafka';
import { sleep } from '../support/waiting';

class CapturingConsumer {
  readonly events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  config: ConsumerRunConfig | undefined;
  on(): () => void {
    return () => undefined;
  }
  async connect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run(config: ConsumerRunConfig): Promise<void> {
    this.config = config;
  }
  async disconnect(): Promise<void> {}
}

function message(offset: number): KafkaMessage {
  return {
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(`v${offset}`),
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
    headers: { h: Buffer.from(`x${offset}`) },
  };
}

interface Fake {
  readonly payload: EachBatchPayload;
  readonly resolved: string[];
  heartbeats: number;
  running: boolean;
  stale: boolean;
}

function fakeBatch(offsets: number[]): Fake {
  const fake: Fake = {
    resolved: [],
    heartbeats: 0,
    running: true,
    stale: false,
    payload: undefined as never,
  };
  const payload = {
    batch: { topic: 't', partition: 3, messages: offsets.map(message) },
    resolveOffset: (offset: string) => void fake.resolved.push(offset),
    heartbeat: async () => void fake.heartbeats++,
    isRunning: () => fake.running,
    isStale: () => fake.stale,
  } as unknown as EachBatchPayload;
  return Object.assign(fake, { payload });
}

async function captured(handle: (m: IncomingMessage) => Promise<void>): Promise<ConsumerRunConfig> {
  const stand = new CapturingConsumer();
  const kafka = { consumer: () => stand } as unknown as Kafka;
  const consumer = new KafkajsClient(kafka).consumer({ groupId: 'g' });
  await consumer.subscribe(['t']);
  await consumer.run(handle);
  const config = stand.config;
  if (config?.eachBatch === undefined) throw new Error('the client did not run with eachBatch');
  return config;
}

describe('KafkajsClient consumer batches', () => {
  it('hands messages over in order, one at a time, resolving each offset once it is handled', async () => {
    const seen: string[] = [];
    let inHandler = 0;
    let overlapped = false;
    const fake = fakeBatch([7, 8, 9]);
    const config = await captured(async (m) => {
      overlapped ||= inHandler++ > 0;
      // Resolved only after the handler: the offset before this one, never this one.
      seen.push(`${m.offset}:${fake.resolved.join(',')}`);
      await sleep(5);
      inHandler--;
    });
    expect(config.eachBatchAutoResolve).toBe(false);
    await config.eachBatch?.(fake.payload);
    expect(overlapped).toBe(false);
    expect(seen).toEqual(['7:', '8:7', '9:7,8']);
    expect(fake.resolved).toEqual(['7', '8', '9']);
  });

  it('gives the handler text keys and headers and the next offset', async () => {
    const got: IncomingMessage[] = [];
    const config = await captured(async (m) => void got.push(m));
    await config.eachBatch?.(fakeBatch([41]).payload);
    expect(got[0]).toMatchObject({
      topic: 't',
      partition: 3,
      offset: '41',
      nextOffset: '42',
      key: 'k41',
      headers: { h: 'x41' },
    });
    expect(got[0]?.value?.toString()).toBe('v41');
  });

  it('stops where the consumer stopped, leaving the rest of the batch unresolved', async () => {
    const fake = fakeBatch([1, 2, 3, 4]);
    const config = await captured(async (m) => {
      if (m.offset === '2') fake.running = false;
    });
    await config.eachBatch?.(fake.payload);
    expect(fake.resolved).toEqual(['1', '2']);
  });

  it('stops where the partition was sought elsewhere, leaving the rest unresolved', async () => {
    const fake = fakeBatch([1, 2, 3]);
    const handed: string[] = [];
    const config = await captured(async (m) => {
      handed.push(m.offset);
      if (m.offset === '1') fake.stale = true;
    });
    await config.eachBatch?.(fake.payload);
    expect(handed).toEqual(['1']);
    expect(fake.resolved).toEqual(['1']);
  });

  it('fails the batch on a handler error, leaving that message and the rest unresolved', async () => {
    const fake = fakeBatch([1, 2, 3]);
    const handed: string[] = [];
    const config = await captured(async (m) => {
      handed.push(m.offset);
      if (m.offset === '2') throw new Error('handler failed');
    });
    await expect(config.eachBatch?.(fake.payload)).rejects.toThrow('handler failed');
    expect(handed).toEqual(['1', '2']);
    expect(fake.resolved).toEqual(['1']);
  });

  it('offers heartbeats while a long batch is handled', async () => {
    const fake = fakeBatch([1, 2, 3]);
    const config = await captured(() => sleep(80));
    await config.eachBatch?.(fake.payload);
    expect(fake.heartbeats).toBeGreaterThanOrEqual(1);
  });
});
