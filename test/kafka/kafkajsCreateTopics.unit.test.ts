/**
 * `KafkajsAdmin.createTopics` resolves once every topic asked for has leaders that answer for
 * their partitions, also when the broker first answers "unknown topic" or "no leader" for them (a
 * broker busy with the creations of instances starting together does) or "not the leader" to an
 * offsets read (a leader that has not opened the partition yet); it fails at once on what waiting
 * cannot mend, and gives up after 10 s with a typed error naming the topics. Against a stand-in
 * for the kafkajs admin, which also stands in for the short-lived admins that read the offsets.
 */
import {
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  type Kafka,
} from 'kafkajs';
import { BrokerUnavailableError } from '../../src';
import { KafkajsClient } from '../../src/kafka';

/** A kafkajs protocol error as the broker's answer gives it. */
function protocolError(type: string, code: number, message: string): KafkaJSProtocolError {
  return new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable: true }));
}

const unknownTopic = () =>
  protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3, 'This server does not host this topic-partition');
/** kafkajs retries "no leader" itself before it gives up with this. */
const noLeaderAfterRetries = () =>
  new KafkaJSNumberOfRetriesExceeded(
    protocolError('LEADER_NOT_AVAILABLE', 5, 'There is no leader for this topic-partition'),
    { retryCount: 5, retryTime: 4_800 },
  );

/**
 * A kafkajs admin whose metadata requests answer `answers` in turn, then the topics, led; and
 * whose offset requests answer `offsetAnswers` in turn, then the offsets.
 */
class StandInAdmin {
  readonly created: string[] = [];
  metadataRequests = 0;
  offsetRequests = 0;

  constructor(
    private readonly answers: readonly (() => Error | 'hang')[] = [],
    private readonly offsetAnswers: readonly (() => Error)[] = [],
  ) {}

  readonly connections = { opened: 0, closed: 0 };

  async connect(): Promise<void> {
    this.connections.opened++;
  }
  async disconnect(): Promise<void> {
    this.connections.closed++;
  }
  async listTopics(): Promise<string[]> {
    return ['existing'];
  }
  async createTopics(options: { topics: { topic: string }[] }): Promise<boolean> {
    this.created.push(...options.topics.map((t) => t.topic));
    return true;
  }
  fetchTopicMetadata(options: { topics: string[] }) {
    const answer = this.answers[this.metadataRequests++]?.();
    if (answer === 'hang') return new Promise<never>(() => undefined);
    if (answer !== undefined) return Promise.reject(answer);
    return Promise.resolve({
      topics: options.topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })),
    });
  }
  fetchTopicOffsets() {
    const answer = this.offsetAnswers[this.offsetRequests++]?.();
    if (answer !== undefined) return Promise.reject(answer);
    return Promise.resolve([{ partition: 0, offset: '0', high: '0', low: '0' }]);
  }
}

function adminOn(standIn: StandInAdmin) {
  return new KafkajsClient({ admin: () => standIn } as unknown as Kafka).admin();
}

describe('KafkajsAdmin.createTopics', () => {
  it('creates the missing topics, then waits while the broker does not know them or they have no leader', async () => {
    const standIn = new StandInAdmin([unknownTopic, unknownTopic, noLeaderAfterRetries]);
    await adminOn(standIn).createTopics([
      { topic: 'existing', partitions: 1 },
      { topic: 'new', partitions: 1 },
    ]);
    expect(standIn.created).toEqual(['new']);
    expect(standIn.metadataRequests).toBe(4);
  });

  it('waits while a leader named in the metadata does not answer for its partition yet', async () => {
    // Its first produce request would be refused for that partition and sent again whole.
    const notLeader = () =>
      protocolError('NOT_LEADER_FOR_PARTITION', 6, 'This server is not the leader for that topic-partition');
    const standIn = new StandInAdmin(
      [],
      // kafkajs gives it wrapped, the broker's answer as the cause (its types omit the second argument).
      [() => Object.assign(new KafkaJSNonRetriableError(notLeader()), { cause: notLeader() }), notLeader],
    );
    await adminOn(standIn).createTopics([{ topic: 'new', partitions: 1 }]);
    expect(standIn.metadataRequests).toBe(3);
    expect(standIn.offsetRequests).toBe(3); // refused as kafkajs wraps it, then plain, then read
    expect(standIn.connections).toEqual({ opened: 3, closed: 3 }); // a reading admin per round, closed
  });

  it('fails at once when reading the offsets fails with an error that waiting does not mend', async () => {
    const standIn = new StandInAdmin(
      [],
      [() => protocolError('TOPIC_AUTHORIZATION_FAILED', 29, 'Not authorized to access topics')],
    );
    await expect(adminOn(standIn).createTopics([{ topic: 'new', partitions: 1 }])).rejects.toThrow(
      'Not authorized to access topics',
    );
    expect(standIn.offsetRequests).toBe(1);
    expect(standIn.connections).toEqual({ opened: 1, closed: 1 });
  });

  it('waits for topics that existed too: another instance may have created them a moment ago', async () => {
    const standIn = new StandInAdmin([unknownTopic]);
    await adminOn(standIn).createTopics([{ topic: 'existing', partitions: 1 }]);
    expect(standIn.created).toEqual([]);
    expect(standIn.metadataRequests).toBe(2);
  });

  it('fails at once on an error that waiting does not mend', async () => {
    const standIn = new StandInAdmin([
      () => protocolError('TOPIC_AUTHORIZATION_FAILED', 29, 'Not authorized to access topics'),
    ]);
    await expect(adminOn(standIn).createTopics([{ topic: 'new', partitions: 1 }])).rejects.toThrow(
      'Not authorized to access topics',
    );
    expect(standIn.metadataRequests).toBe(1);
  });

  describe('after 10 s', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    async function outcomeOf(standIn: StandInAdmin): Promise<unknown> {
      const outcome = adminOn(standIn)
        .createTopics([{ topic: 'new', partitions: 1 }])
        .catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(9_900);
      let settled = false;
      void outcome.then(() => (settled = true));
      await jest.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(200);
      return outcome;
    }

    it('gives up on topics the broker does not know with a retriable error naming them', async () => {
      const standIn = new StandInAdmin(Array.from({ length: 1_000 }, () => unknownTopic));
      const error = await outcomeOf(standIn);
      expect(error).toBeInstanceOf(BrokerUnavailableError);
      expect((error as BrokerUnavailableError).retriable).toBe(true);
      expect((error as Error).message).toContain(
        'topic new has no leader that takes writes on the broker 10000 ms after its creation',
      );
      expect((error as Error).message).toContain('This server does not host this topic-partition');
      expect(standIn.metadataRequests).toBeGreaterThan(50);
    });

    it('gives up while a metadata request kafkajs retries is still in flight', async () => {
      const standIn = new StandInAdmin([unknownTopic, () => 'hang']);
      const error = await outcomeOf(standIn);
      expect(error).toBeInstanceOf(BrokerUnavailableError);
      expect(standIn.metadataRequests).toBe(2);
    });
  });
});
