/**
 * What the Kafka suites share: the brokers they use, the decision to run or skip, the clients
 * under test, and topics of their own (a random suffix each) that they delete when done.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  ConfluentClient,
  KafkajsClient,
  type KafkaAdmin,
  type KafkaClient,
  type TopicSpec,
} from '../../src/kafka';
import { confluentMissing, loadConfluent } from '../../bench/harness/confluentPackage';
import { describeWithService } from './services';

/** `EVENTO_TEST_KAFKA_BROKERS`: comma-separated host:port list (default 127.0.0.1:9092). */
export const KAFKA_BROKERS = (process.env.EVENTO_TEST_KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((broker) => broker.trim())
  .filter((broker) => broker !== '');

/**
 * `describe` when the first broker accepts connections; else a skip naming the variable and the
 * start command, or a failure when CI=true.
 */
export function describeWithKafka(): jest.Describe {
  return describeWithService(
    'Kafka',
    `kafka://${KAFKA_BROKERS[0] ?? '127.0.0.1:9092'}`,
    'start one with `npm run kafka:start` (scripts/kafka.sh), or point the tests at one with EVENTO_TEST_KAFKA_BROKERS=host:port[,host:port].',
  );
}

/** A client implementation the seam tests run against. */
export interface ClientUnderTest {
  readonly name: string;
  /** A client of `brokers` (default KAFKA_BROKERS) that retries briefly, so failures show fast. */
  create(clientId: string, brokers?: readonly string[]): KafkaClient;
}

const kafkajs: ClientUnderTest = {
  name: 'kafkajs',
  create: (clientId, brokers = KAFKA_BROKERS) =>
    new KafkajsClient(
      new Kafka({
        clientId,
        brokers: [...brokers],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 2000,
        retry: { initialRetryTime: 100, retries: 4 },
      }),
    ),
};

/** The confluent client when installed; with CI=true its absence fails the run. */
function confluent(): ClientUnderTest[] {
  const why = confluentMissing();
  if (why !== undefined) {
    if (process.env.CI === 'true') throw new Error(`CI=true and ${why}`);
    console.warn(`Skipping the Kafka seam tests on @confluentinc/kafka-javascript: ${why}`);
    return [];
  }
  const { KafkaJS } = loadConfluent();
  return [
    {
      name: '@confluentinc/kafka-javascript',
      create: (clientId, brokers = KAFKA_BROKERS) =>
        new ConfluentClient(
          new KafkaJS.Kafka({
            kafkaJS: {
              clientId,
              brokers: [...brokers],
              logLevel: KafkaJS.logLevel.NOTHING,
              connectionTimeout: 2000,
              retry: { initialRetryTime: 100, retries: 4 },
            },
            // How long a send waits for a topic to appear in the metadata before it fails (30 s by
            // default): the tests create their topics before using them.
            'topic.metadata.propagation.max.ms': 5000,
          }),
        ),
    },
  ];
}

/** Every `KafkaClient` implementation installed here. */
export function clientsUnderTest(): ClientUnderTest[] {
  return [kafkajs, ...confluent()];
}

/** A topic (or group) name no other test uses: `evento-test-<label>-<random hex>`. */
export function uniqueName(label: string): string {
  return `evento-test-${label}-${randomBytes(5).toString('hex')}`;
}

/** Creates topics with unique names for one test file and deletes them all in `deleteAll`. */
export class TestTopics {
  private readonly created: string[] = [];
  private admin: KafkaAdmin | undefined;

  constructor(private readonly client: KafkaClient) {}

  /** Creates a topic named after `label` with a random suffix, and returns its name. */
  async create(label: string, partitions = 1, config?: TopicSpec['config']): Promise<string> {
    const topic = uniqueName(label);
    await (await this.connectedAdmin()).createTopics([{ topic, partitions, ...(config ? { config } : {}) }]);
    this.created.push(topic);
    return topic;
  }

  /** Deletes every topic created here, and closes the admin connection. */
  async deleteAll(): Promise<void> {
    if (this.admin === undefined) return;
    const admin = this.admin;
    this.admin = undefined;
    try {
      await admin.deleteTopics(this.created.splice(0));
    } finally {
      await admin.disconnect();
    }
  }

  private async connectedAdmin(): Promise<KafkaAdmin> {
    if (this.admin === undefined) {
      const admin = this.client.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }
}
