/**
 * `KafkajsAdmin.createTopics` resolves once the topics it created have leaders, also when the
 * broker first answers "unknown topic" for them (a broker busy with the creations of instances
 * starting together does), and fails on what waiting cannot mend. Against a stand-in for the
 * kafkajs admin that answers as such a broker does.
 */
import { KafkaJSProtocolError, type Kafka } from 'kafkajs';
import { ConfigurationError } from '../../src';
import { KafkajsClient } from '../../src/kafka';

/** A kafkajs admin whose metadata knows a created topic only after `unknownFor` requests. */
class SlowMetadataAdmin {
  readonly created: string[] = [];
  metadataRequests = 0;

  constructor(
    private readonly unknownFor: number,
    private readonly failure?: Error,
  ) {}

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async listTopics(): Promise<string[]> {
    return ['existing'];
  }
  async createTopics(options: { waitForLeaders: boolean; topics: { topic: string }[] }): Promise<boolean> {
    this.created.push(...options.topics.map((t) => t.topic));
    return true;
  }
  async fetchTopicMetadata(options: { topics: string[] }) {
    this.metadataRequests++;
    if (this.failure !== undefined) throw this.failure;
    if (this.metadataRequests <= this.unknownFor) {
      throw new KafkaJSProtocolError({
        type: 'UNKNOWN_TOPIC_OR_PARTITION',
        code: 3,
        retriable: true,
        message: 'This server does not host this topic-partition',
      });
    }
    return {
      topics: options.topics.map((name) => ({
        name,
        partitions: [{ partitionId: 0, leader: this.metadataRequests <= this.unknownFor + 1 ? -1 : 1 }],
      })),
    };
  }
}

function adminOn(standIn: SlowMetadataAdmin) {
  return new KafkajsClient({ admin: () => standIn } as unknown as Kafka).admin();
}

describe('KafkajsAdmin.createTopics', () => {
  it('waits while the broker does not know the new topics yet, then until they have leaders', async () => {
    const standIn = new SlowMetadataAdmin(3);
    await adminOn(standIn).createTopics([
      { topic: 'existing', partitions: 1 },
      { topic: 'new', partitions: 1 },
    ]);
    expect(standIn.created).toEqual(['new']);
    expect(standIn.metadataRequests).toBe(5); // 3 unknown, 1 without a leader, 1 led
  });

  it('creates nothing and waits for nothing when every topic exists', async () => {
    const standIn = new SlowMetadataAdmin(0);
    await adminOn(standIn).createTopics([{ topic: 'existing', partitions: 1 }]);
    expect(standIn.created).toEqual([]);
    expect(standIn.metadataRequests).toBe(0);
  });

  it('fails at once on an error that waiting does not mend', async () => {
    const standIn = new SlowMetadataAdmin(
      0,
      new KafkaJSProtocolError({
        type: 'TOPIC_AUTHORIZATION_FAILED',
        code: 29,
        retriable: false,
        message: 'Not authorized to access topics',
      }),
    );
    await expect(adminOn(standIn).createTopics([{ topic: 'new', partitions: 1 }])).rejects.toThrow(
      'Not authorized to access topics',
    );
    expect(standIn.metadataRequests).toBe(1);
  });

  it('names the topics it gave up on when the broker does not know them 10 s after their creation', async () => {
    jest.useFakeTimers();
    try {
      const standIn = new SlowMetadataAdmin(Number.MAX_SAFE_INTEGER);
      const outcome = adminOn(standIn)
        .createTopics([{ topic: 'new', partitions: 1 }])
        .catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(9_000);
      expect(standIn.metadataRequests).toBeGreaterThan(50);
      await jest.advanceTimersByTimeAsync(1_200);
      const error = await outcome;
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain('topic new');
    } finally {
      jest.useRealTimers();
    }
  });
});
